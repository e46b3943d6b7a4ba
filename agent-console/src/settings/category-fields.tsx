/**
 * The close categories' part of the settings form: rename (a name per language, or one for
 * both), add, remove and restore. Removed ones stay in the list sent, so old chats keep their
 * names. The rows are form fields (`category-<i>-…`), read with the rest by settings-form.ts.
 */
import { useState } from 'preact/hooks';
import { FAQ_LANGUAGES } from '../../../shared/faq';
import { categoryName, type CloseCategoryDef } from '../../../shared/settings';
import { fill } from '../i18n';
import type { SettingsStrings } from './strings';

type Row = Omit<CloseCategoryDef, 'id'> & { id?: string; key: number };

export function CategoryFields({ s, locale, categories }: { s: SettingsStrings; locale: 'en' | 'zh-CN'; categories: CloseCategoryDef[] }) {
  const [rows, setRows] = useState<Row[]>(() => categories.map((c, key) => ({ ...c, key })));
  const set = (key: number, change: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const label = (r: Row) => (r.id ? categoryName(categories, r.id, locale) : FAQ_LANGUAGES.map((l) => r.name[l]).find(Boolean) || s.newCategory);
  const removed = rows.filter((r) => r.removed && r.id);
  return (
    <fieldset>
      <legend>{s.categories}</legend>
      <p class="hint">{s.categoriesHint}</p>
      <input type="hidden" name="category-count" value={String(rows.length)} />
      {rows.map((r, i) => (
        <div key={r.key} class={r.removed ? 'category-row removed' : 'category-row'} hidden={r.removed}>
          <input type="hidden" name={`category-${i}-id`} value={r.id ?? ''} />
          <input type="hidden" name={`category-${i}-removed`} value={r.removed ? 'on' : ''} />
          {FAQ_LANGUAGES.map((l) => (
            <label key={l}>
              {fill(s.categoryNameIn, { language: s[`lang.${l}`] })}
              <input
                name={`category-${i}-${l}`}
                maxLength={60}
                value={r.name[l]}
                onInput={(e) => set(r.key, { name: { ...r.name, [l]: e.currentTarget.value } })}
              />
            </label>
          ))}
          <button type="button" onClick={() => (r.id ? set(r.key, { removed: true }) : setRows((rs) => rs.filter((x) => x.key !== r.key)))} aria-label={fill(s.removeCategory, { name: label(r) })}>
            {s.remove}
          </button>
        </div>
      ))}
      <button type="button" onClick={() => setRows((rs) => [...rs, { name: { en: '', 'zh-CN': '' }, removed: false, key: Math.max(0, ...rs.map((x) => x.key)) + 1 }])}>
        {s.addCategory}
      </button>
      {removed.length > 0 && (
        <div class="removed-categories">
          <p class="hint">{s.removedHint}</p>
          <ul>
            {removed.map((r) => (
              <li key={r.key}>
                {label(r)}{' '}
                <button type="button" onClick={() => set(r.key, { removed: false })} aria-label={fill(s.restoreCategory, { name: label(r) })}>
                  {s.restore}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </fieldset>
  );
}
