/**
 * The lead's live floor: today's figures, every agent, the queue and the live conversations,
 * pushed by the server; a watch panel beside it to step into one conversation.
 */
import { useCallback, useMemo, useState } from 'preact/hooks';
import type { ViewProps } from '../views/registry';
import { AgentsTable } from './agents-table';
import { LiveTable, QueueTable } from './conversation-tables';
import { Figures } from './figures';
import { errorText } from './format';
import { floorTables } from './model';
import { floorStrings } from './strings';
import { useFloor, useNow, useThreshold } from './use-floor';
import { WatchPanel } from './watch-panel';

export function FloorView({ t, locale, session, me }: ViewProps) {
  const s = floorStrings(locale);
  const model = useFloor(session);
  const clientNow = useNow(1000);
  const [threshold, setThreshold] = useThreshold();
  const [watching, setWatching] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tables = useMemo(() => model && floorTables(model), [model]);
  // Stable callbacks: the tables' rows are memoised on their props.
  const onWatch = useCallback((id: string) => setWatching((w) => (w === id ? null : id)), []);
  const onError = useCallback((code: string) => setError(errorText(code, s)), [s]);
  if (!model || !tables) return <p role="status">…</p>;

  const now = clientNow + model.skew;
  const thresholdMs = threshold * 1000;
  const tableProps = { now, thresholdMs, s, t, watching, onWatch };
  return (
    <div class={watching ? 'floor with-panel' : 'floor'} aria-label={s.floor} role="region">
      <div class="floor-main">
        <Figures f={model.figures} now={now} s={s} thresholdMs={thresholdMs} />
        <label class="threshold">
          {s.threshold}
          <input type="number" min={1} max={3600} value={threshold} onChange={(e) => setThreshold(Number(e.currentTarget.value))} />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <QueueTable rows={tables.queue} {...tableProps} />
        <LiveTable rows={tables.live} {...tableProps} />
        <AgentsTable rows={tables.agents} now={now} thresholdMs={thresholdMs} s={s} session={session} onError={onError} />
      </div>
      {watching && (
        // Keyed: another conversation is a new panel (its transcript, drafts and errors start afresh).
        <WatchPanel key={watching} conversationId={watching} model={model} me={me} session={session} t={t} locale={locale} s={s} onClose={() => setWatching(null)} />
      )}
    </div>
  );
}
