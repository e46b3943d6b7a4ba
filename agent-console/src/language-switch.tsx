/** The language picker shown on every console page. */
import type { Locale, Strings } from './i18n';

export function LanguageSwitch({ t, locale, onChange }: { t: Strings; locale: Locale; onChange(l: Locale): void }) {
  return (
    <label class="lang">
      {t.language}
      <select value={locale} onChange={(e) => onChange(e.currentTarget.value === 'zh-CN' ? 'zh-CN' : 'en')}>
        <option value="en">English</option>
        <option value="zh-CN">中文</option>
      </select>
    </label>
  );
}
