/**
 * A conversation's messages, its unsent replies and the visitor's typing, paged from the
 * end: a long history renders its last page and grows with "Show earlier", which reveals
 * messages the session holds and then reads earlier pages from the server.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { clockTime } from '../../../shared/client/format';
import { Linked } from '../../../shared/ui/linked';
import { fill, type Locale, type Strings } from '../i18n';
import { errorText } from '../locales/error-text';
import type { Chat } from '../state/chats';
import { eventText } from './event-text';
import { visitorLabel } from './visitor-label';

/**
 * Messages a transcript renders when it opens, and how many more each "Show earlier" adds.
 * Rendering (and laying out) a whole long history on every switch made switching slow
 * (bench/console-switch.ts). The session holds the messages it was sent (the latest page of a
 * conversation, then whatever arrives or is read back).
 */
export const TRANSCRIPT_PAGE = 100;

/** Where a transcript was left: its scroll offset and how many of its first messages are not rendered. */
export interface TranscriptPosition {
  scrollTop: number;
  hidden: number;
}

interface TranscriptProps {
  chat: Chat;
  t: Strings;
  locale: Locale;
  position?: TranscriptPosition;
  onPosition(p: TranscriptPosition): void;
  onRetry(clientId: string): void;
  /** Reads back the page before the first message held. */
  onEarlier(): Promise<unknown>;
}

export function Transcript({ chat, t, locale, position, onPosition, onRetry, onEarlier }: TranscriptProps) {
  const [hidden, setHidden] = useState(position?.hidden ?? Math.max(0, chat.messages.length - TRANSCRIPT_PAGE));
  /** Distance from the content's end to the scroll offset, kept while earlier messages are added above. */
  const fromEnd = useRef<number | null>(null);
  const log = useRef<HTMLDivElement>(null);
  const time = clockTime(locale);

  // Scrolling happens before the browser paints (layout effects), so a transcript never shows its top first.
  useLayoutEffect(() => {
    const el = log.current!;
    el.scrollTop = position?.scrollTop ?? el.scrollHeight;
  }, []);
  // After "Show earlier": what was on screen stays in place, the earlier messages above it.
  const first = chat.messages[0]?.seq ?? 1;
  useLayoutEffect(() => {
    const el = log.current!;
    if (fromEnd.current !== null) el.scrollTop = el.scrollHeight - fromEnd.current;
    fromEnd.current = null;
    onPosition({ scrollTop: el.scrollTop, hidden });
  }, [hidden, first]);
  // Seqs start at 1 and the console sees every message, so `first - 1` are on the server only.
  const earlier = hidden + first - 1;
  const showEarlier = () => {
    const el = log.current!;
    fromEnd.current = el.scrollHeight - el.scrollTop;
    if (hidden > 0) setHidden(Math.max(0, hidden - TRANSCRIPT_PAGE));
    else
      void onEarlier().then((read) => {
        if (!read) fromEnd.current = null;
      });
  };
  // New messages follow the end, unless the agent scrolled up to read.
  useLayoutEffect(() => {
    const el = log.current!;
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 120) el.scrollTop = el.scrollHeight;
  }, [chat.messages.length, chat.outbox.length]);

  return (
    <div ref={log} class="log" role="log" aria-label={t.transcript} tabIndex={0} onScroll={(e) => onPosition({ scrollTop: e.currentTarget.scrollTop, hidden })}>
      {earlier > 0 && (
        <button type="button" class="earlier" onClick={showEarlier}>
          {fill(t.showEarlier, { n: earlier })}
        </button>
      )}
      {chat.messages.slice(hidden).map((m) =>
        m.kind === 'event' ? (
          <div key={m.seq} class="event">{eventText(m, t)} · {time.format(m.at)}</div>
        ) : (
          <div key={m.seq} class={`msg ${m.author} ${m.kind}`}>
            <span class="meta">
              {m.kind === 'note' ? `${t.note} · ` : ''}
              {m.author === 'visitor' ? visitorLabel(chat, t) : m.authorName} · {time.format(m.at)}
              {m.auto ? ` · ${t.autoMessage}` : ''}
            </span>
            <span class="text"><Linked text={m.text} /></span>
          </div>
        ),
      )}
      {[...chat.refused, ...chat.outbox].map((p) => (
        <div key={p.clientId} class={`msg agent ${p.note ? 'note' : 'text'} ${p.state}`}>
          <span class="meta" role={p.state === 'refused' ? 'alert' : undefined}>
            {p.state === 'refused' ? fill(t.refused, { reason: errorText(t, p.error) }) : p.state === 'failed' ? t.failed : t.sending}
            {p.state === 'failed' && (
              <button type="button" class="link" onClick={() => onRetry(p.clientId)}>{t.retry}</button>
            )}
          </span>
          <span class="text">{p.text}</span>
        </div>
      ))}
      {chat.visitorTyping && <div class="event typing">{chat.visitorDraft ? fill(t.typingPreview, { text: chat.visitorDraft }) : t.typing}</div>}
    </div>
  );
}
