/**
 * The quality rules of a team whose lead has not tuned them: every rule on, with phrase lists
 * a customer-service department starts from (a lead edits them in the console's Quality page).
 */
import type { QualitySettings } from '../../../shared/quality';

export const DEFAULT_QUALITY_SETTINGS: QualitySettings = {
  greeting: { enabled: true, points: 10, phrases: { 'zh-CN': ['您好', '你好', '欢迎'], en: ['hello', 'hi', 'welcome', 'good morning', 'good afternoon'] } },
  closing: { enabled: true, points: 10, phrases: { 'zh-CN': ['感谢', '谢谢', '再见', '祝您'], en: ['thank you', 'thanks', 'goodbye', 'bye', 'have a nice day'] } },
  firstResponse: { enabled: true, points: 20, seconds: 60 },
  longestWait: { enabled: true, points: 15, seconds: 180 },
  forbiddenWords: { enabled: true, points: 30, words: ['不知道', '不归我管', '自己看', '滚', 'stupid', 'shut up', 'not my problem', 'whatever'] },
  courtesy: { enabled: true, points: 10, phrases: { 'zh-CN': ['您好', '请', '谢谢', '抱歉', '不客气'], en: ['hello', 'please', 'thank you', 'thanks', 'sorry', "you're welcome"] } },
  unresolved: { enabled: true, points: 20 },
};
