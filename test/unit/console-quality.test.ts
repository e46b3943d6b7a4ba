/**
 * The console's quality pieces without a DOM: the rules form read into settings (one phrase per
 * line, numbers checked), and the quality strings complete in both languages.
 */
import { field, readRules } from '../../agent-console/src/quality/rules-form';
import { en, zhCN } from '../../agent-console/src/quality/strings';
import { DEFAULT_QUALITY_SETTINGS } from '../../server/domain/quality/defaults';
import { QUALITY_RULES } from '../../shared/quality';

/** The form as the rules page fills it from settings. */
function formOf(s = DEFAULT_QUALITY_SETTINGS): Record<string, string> {
  const f: Record<string, string> = {};
  for (const rule of QUALITY_RULES) {
    if (s[rule].enabled) f[field.enabled(rule)] = 'on';
    f[field.points(rule)] = String(s[rule].points);
  }
  f[field.seconds('firstResponse')] = String(s.firstResponse.seconds);
  f[field.seconds('longestWait')] = String(s.longestWait.seconds);
  for (const rule of ['greeting', 'closing', 'courtesy'] as const) {
    for (const l of ['en', 'zh-CN'] as const) f[field.phrases(rule, l)] = s[rule].phrases[l].join('\n');
  }
  f[field.words] = s.forbiddenWords.words.join('\n');
  return f;
}
const get = (f: Record<string, string>) => (n: string) => f[n] ?? '';

test('the form reads back the settings it shows; phrases one per line, blank lines dropped', () => {
  expect(readRules(get(formOf()), en)).toEqual({ rules: DEFAULT_QUALITY_SETTINGS });
  const f = { ...formOf(), [field.words]: '  滚 \r\n\n shut up\n', [field.enabled('courtesy')]: '', [field.seconds('longestWait')]: '90' };
  const read = readRules(get(f), en);
  expect(read).toEqual({
    rules: {
      ...DEFAULT_QUALITY_SETTINGS,
      forbiddenWords: { ...DEFAULT_QUALITY_SETTINGS.forbiddenWords, words: ['滚', 'shut up'] },
      courtesy: { ...DEFAULT_QUALITY_SETTINGS.courtesy, enabled: false },
      longestWait: { ...DEFAULT_QUALITY_SETTINGS.longestWait, seconds: 90 },
    },
  });
});

test('points out of 0–100 and limits out of 1–3600 or not whole are a sentence, in both languages', () => {
  for (const bad of [{ [field.points('greeting')]: '101' }, { [field.points('closing')]: '-1' }, { [field.seconds('firstResponse')]: '0' }, { [field.seconds('longestWait')]: '2.5' }, { [field.points('unresolved')]: '' }]) {
    expect(readRules(get({ ...formOf(), ...bad }), en)).toEqual({ problem: en.badNumber });
    expect(readRules(get({ ...formOf(), ...bad }), zhCN)).toEqual({ problem: zhCN.badNumber });
  }
});

test('every quality string exists in both languages, the Chinese ones in Chinese', () => {
  const flat = (o: object, p = ''): [string, string][] =>
    Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[p + k, v] as [string, string]] : flat(v as object, `${p}${k}.`)));
  const e = flat(en);
  const z = new Map(flat(zhCN));
  expect([...z.keys()].sort()).toEqual(e.map(([k]) => k).sort());
  for (const [k, v] of e) {
    if (/[A-Za-z]{3}/.test(v) && !['scoreOf', 'deducted', 'separator'].includes(k)) expect([k, /\p{Script=Han}/u.test(z.get(k)!)]).toEqual([k, true]);
  }
});
