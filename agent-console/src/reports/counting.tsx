/**
 * While the server is still counting earlier chats (after an upgrade or a change of time zone,
 * docs/reports.md), a report covers those counted so far: a notice says how far counting has
 * got, and the page asks again every few seconds until it is done.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { HistoryCounting } from '../../../shared/reports';
import { fill } from '../i18n';

/** How often a page showing a partly counted report asks again, ms. */
export const RECOUNT_MS = 3000;

/** The share counted, in whole percent (rounded down: 100 only once everything is). */
export const countedPercent = ({ done, total }: HistoryCounting) => (total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0);

/** Calls `reload` (as of the latest render: the language may have changed) `RECOUNT_MS` after a report still being counted arrived. */
export function useReloadWhileCounting(counting: HistoryCounting | null | undefined, reload: () => void) {
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => {
    if (!counting) return;
    const timer = setTimeout(() => latest.current(), RECOUNT_MS);
    return () => clearTimeout(timer);
  }, [counting]);
}

/** `text` holds `{percent}`; nothing once everything is counted. `id`: for the figures it describes (the floor's). */
export function CountingNotice({ counting, text, hint, id }: { counting: HistoryCounting | null | undefined; text: string; hint: string; id?: string }) {
  if (!counting) return null;
  return (
    <p class="banner" role="status" id={id}>
      {fill(text, { percent: countedPercent(counting) })} <span class="hint">{hint}</span>
    </p>
  );
}
