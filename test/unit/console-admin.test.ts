/**
 * The console's admin pieces without a DOM: every error code as a sentence in both languages,
 * variables for an anonymous shopper, the password and settings form checks.
 */
import { ERRORS, type ErrorCode } from '../../shared/errors';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { passwordProblem } from '../../agent-console/src/account/password-check';
import { en as accountEn } from '../../agent-console/src/account/strings';
import { fillVariables } from '../../agent-console/src/composer/variables';
import { en } from '../../agent-console/src/locales/en';
import { errorText } from '../../agent-console/src/locales/error-text';
import { zhCN } from '../../agent-console/src/locales/zh-CN';
import { readSettings } from '../../agent-console/src/settings/settings-form';
import { en as settingsEn } from '../../agent-console/src/settings/strings';

const CODES = Object.keys(ERRORS) as ErrorCode[];

test('every error code is a sentence in English and in Chinese, never the code itself', () => {
  for (const code of CODES) {
    for (const t of [en, zhCN]) {
      const sentence = errorText(t, code);
      expect(sentence).not.toContain(code);
      expect(sentence).toMatch(/[.。]$/);
    }
    expect(errorText(zhCN, code)).toMatch(/\p{Script=Han}/u);
    expect(errorText(en, { code })).toBe(en.errors[code]);
  }
  // The transfer case from the review, and codes the catalogue does not know.
  expect(errorText(zhCN, { code: 'AGENT_UNAVAILABLE' })).toBe('该同事不在线或接待已满，请选择其他同事或退回排队。');
  expect(errorText(zhCN, 'SOMETHING_NEW')).toBe('出错了，请重试。');
  expect(errorText(en, new Error('boom'))).toBe('Something went wrong. Try again.');
  expect(zhCN.error).not.toContain('{code}');
});

test('an anonymous shopper is addressed in the text\'s language, never with a gap', () => {
  const vars = { 'agent.name': 'Ana', 'conversation.id': 'c-1' };
  expect(fillVariables('Hi {visitor.name}, this is {agent.name}.', { ...vars, 'visitor.name': '' })).toBe('Hi there, this is Ana.');
  expect(fillVariables('Hi {visitor.name}, this is {agent.name}.', { ...vars, 'visitor.name': '  ' })).toBe('Hi there, this is Ana.');
  expect(fillVariables('Hi {visitor.name}, this is {agent.name}.', { ...vars, 'visitor.name': 'Wang' })).toBe('Hi Wang, this is Ana.');
  expect(fillVariables('{visitor.name}您好，我是{agent.name}。', vars)).toBe('亲您好，我是Ana。');
});

test('password checks before sending, as sentence keys', () => {
  expect(passwordProblem('old password', 'short', 'short')).toBe('tooShort');
  expect(passwordProblem('old password', 'x'.repeat(201), 'x'.repeat(201))).toBe('tooLong');
  expect(passwordProblem('old password', 'new password', 'new passwort')).toBe('mismatch');
  expect(passwordProblem('same password', 'same password', 'same password')).toBe('sameAsOld');
  expect(passwordProblem('old password', 'new password', 'new password')).toBeNull();
  expect(accountEn.tooShort).toMatch(/10 characters/);
});

test('the settings form reads into TeamSettings, or says what is wrong', () => {
  const fields: Record<string, string> = {
    'greeting-en': ' Hello ',
    'greeting-zh-CN': '您好',
    timeZone: 'Europe/Berlin',
    'open-mon': 'on',
    'from-mon': '08:00',
    'to-mon': '12:30',
    waiting: '45',
    typingPreview: '',
    businessHoursOn: 'on',
    'category-count': '4',
    'category-0-id': 'order',
    'category-0-en': ' Orders ',
    'category-0-zh-CN': '订单',
    // A new one named in Chinese only; a new row left blank is dropped; a removed one is kept.
    'category-1-zh-CN': '退款',
    'category-3-id': 'other',
    'category-3-en': 'Other',
    'category-3-removed': 'on',
    'routine-greeting-en': ' Hi {visitor.name} ',
    'routine-idlePrompt-zh-CN': '还在吗？',
    idlePromptMinutes: '3',
    idleCloseMinutes: '5',
    slowAnswerSeconds: '90',
    missedAfterSeconds: '0',
    wrapUpMinutes: '15',
    complaintDueHours: '48',
    followUpDueDays: '2',
    'preChat-name': 'required',
    'preChat-question': 'optional',
    'preChat-email': 'sometimes',
    queueWaitLimitMinutes: '0',
    slowAnswerReroute: 'on',
    offerDepartments: 'on',
    overflowSeconds: '90',
  };
  const get = (f: Record<string, string>) => (n: string) => f[n] ?? '';
  expect(readSettings(get(fields), settingsEn)).toEqual({
    settings: {
      greeting: { en: 'Hello', 'zh-CN': '您好' },
      businessHours: { timeZone: 'Europe/Berlin', days: { ...Object.fromEntries(Object.keys(DEFAULT_SETTINGS.businessHours.days).map((d) => [d, null])), mon: { open: '08:00', close: '12:30' } } },
      businessHoursOn: true,
      waitingThresholdSeconds: 45,
      typingPreview: false,
      closeCategories: [
        { id: 'order', name: { en: 'Orders', 'zh-CN': '订单' }, removed: false },
        { name: { en: '', 'zh-CN': '退款' }, removed: false },
        { id: 'other', name: { en: 'Other', 'zh-CN': '' }, removed: true },
      ],
      routines: {
        greeting: { en: 'Hi {visitor.name}', 'zh-CN': '' },
        closing: { en: '', 'zh-CN': '' },
        idlePrompt: { en: '', 'zh-CN': '还在吗？' },
        idlePromptMinutes: 3,
        idleCloseMinutes: 5,
        slowAnswerSeconds: 90,
        missedAfterSeconds: 0,
        wrapUpMinutes: 15,
        complaintDueHours: 48,
        followUpDueDays: 2,
        queueWaitLimitMinutes: 0,
        slowAnswerReroute: true,
      },
      // A mode the form does not offer, or none, is off.
      preChat: { name: 'required', email: 'off', department: 'off', question: 'optional' },
      departments: { offerChoice: true, overflowSeconds: 90 },
    },
  });
  expect(readSettings(get({ ...fields, overflowSeconds: '-1' }), settingsEn)).toEqual({ problem: settingsEn.badOverflow });
  // The routines' times: out of range or not whole numbers.
  for (const bad of [{ idlePromptMinutes: '121' }, { idleCloseMinutes: '0' }, { slowAnswerSeconds: '5' }, { missedAfterSeconds: '-1' }, { wrapUpMinutes: '1.5' }, { wrapUpMinutes: '' }, { queueWaitLimitMinutes: '121' }] as Record<string, string>[]) {
    expect(readSettings(get({ ...fields, ...bad }), settingsEn)).toEqual({ problem: settingsEn.badRoutineTime });
  }
  expect(readSettings(get({ ...fields, 'to-mon': '07:00' }), settingsEn)).toEqual({ problem: 'Monday: the opening time must be before the closing time.' });
  expect(readSettings(get({ ...fields, timeZone: 'Nowhere/Land' }), settingsEn)).toEqual({ problem: settingsEn.badTimeZone });
  expect(readSettings(get({ ...fields, 'category-0-removed': 'on', 'category-1-zh-CN': '' }), settingsEn)).toEqual({ problem: settingsEn.noCategory });
  expect(readSettings(get({ ...fields, 'category-0-en': '', 'category-0-zh-CN': '' }), settingsEn)).toEqual({ problem: settingsEn.unnamedCategory });
});
