/** Canned replies and FAQ (leads): two tabs over one language filter. */
import { useState } from 'preact/hooks';
import type { FaqLanguage } from '../../../shared/faq';
import type { ViewProps } from '../views/registry';
import { libraryApi } from './api';
import { CannedTab } from './canned-tab';
import { FaqTab } from './faq-tab';
import { LANGUAGES, en, zhCN } from './strings';

type Tab = 'canned' | 'faq';

export function LibraryView({ t, locale, api, me }: ViewProps) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const calls = libraryApi(api);
  const [tab, setTab] = useState<Tab>('canned');
  const [language, setLanguage] = useState<FaqLanguage | ''>('');
  const tabs: [Tab, string][] = [
    ['canned', s.cannedTab],
    ['faq', s.faqTab],
  ];
  return (
    <main class="admin library" aria-labelledby="library-title">
      <h2 id="library-title">{s.title}</h2>
      <div class="toolbar">
        <div role="tablist" aria-label={s.title}>
          {tabs.map(([id, label]) => (
            <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
              {label}
            </button>
          ))}
        </div>
        <label>
          {s.language}
          <select value={language} onChange={(e) => setLanguage(LANGUAGES.find((l) => l === e.currentTarget.value) ?? '')}>
            <option value="">{s.allLanguages}</option>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>{s[`lang.${l}`]}</option>
            ))}
          </select>
        </label>
      </div>
      {tab === 'canned' ? (
        <CannedTab s={s} t={t} calls={calls} language={language} agentName={me.name} />
      ) : (
        <FaqTab s={s} t={t} locale={locale} calls={calls} language={language} agentName={me.name} />
      )}
    </main>
  );
}
