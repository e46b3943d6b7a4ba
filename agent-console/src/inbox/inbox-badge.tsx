/**
 * The open left messages' count beside "Left messages" in a lead's navigation: read once, then
 * kept current by the server's pushes (`left-message:new`, `left-message:updated`), no polling.
 */
import { useEffect, useState } from 'preact/hooks';
import { fill } from '../i18n';
import type { ViewProps } from '../views/registry';
import { inboxApi } from './api';
import { en, zhCN } from './strings';

export function InboxBadge({ session, api, locale, me }: Pick<ViewProps, 'session' | 'api' | 'locale' | 'me'>) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const [open, setOpen] = useState<number | null>(null);
  const lead = me.role === 'lead';
  useEffect(() => {
    if (!lead) return;
    let pushed = false;
    const set = ({ openCount }: { openCount: number }) => {
      pushed = true;
      setOpen(openCount);
    };
    const offNew = session.on('left-message:new', set);
    const offUpdated = session.on('left-message:updated', set);
    // A push that arrived meanwhile is newer than this read.
    inboxApi(api).list('open').then((r) => !pushed && setOpen(r.openCount), () => undefined);
    return () => {
      offNew();
      offUpdated();
    };
  }, [session, lead]);
  if (!lead || !open) return null;
  return (
    <>
      {/* Read as "Left messages (3 open)", shown as a red 3. */}
      <span class="nav-count" aria-hidden="true">{open}</span>
      <span class="sr-only">{fill(s.openCount, { n: open })}</span>
    </>
  );
}
