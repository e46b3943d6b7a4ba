/** A list read over REST, the item being edited (or 'new'), and the page's error or notice. */
import { useEffect, useState } from 'preact/hooks';
import type { Strings } from '../i18n';
import { errorText } from '../locales/error-text';

export function useEditableList<T extends { id: string }>(t: Strings, load: () => Promise<T[]>, deps: unknown[]) {
  const [items, setItems] = useState<T[] | null>(null);
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const reload = () => load().then(setItems, (e) => setError(errorText(t, e)));
  useEffect(() => void reload(), deps);

  /** Runs a write; on success shows `done`, closes the editor and reloads. */
  async function write(run: () => Promise<unknown>, done: string): Promise<void> {
    setError('');
    setNotice('');
    try {
      await run();
      setNotice(done);
      setEditing(null);
      await reload();
    } catch (e) {
      setError(errorText(t, e));
    }
  }
  return { items, editing, setEditing, error, notice, write };
}
