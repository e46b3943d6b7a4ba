/**
 * Stepping into one conversation: its transcript live (typing included), a whisper to the agent,
 * a barge-in to the visitor, take-over (to me, or to someone online with a free slot), close.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { mergeBySeq } from '../../../shared/client/merge';
import type { AgentSelf, ConversationView, Message } from '../../../shared/protocol';
import { Transcript } from '../conversation/transcript';
import { fill, type Locale, type Strings } from '../i18n';
import type { ConsoleSession } from '../state/session';
import { errorText, visitorName } from './format';
import type { FloorModel } from './model';
import type { FloorStrings } from './strings';

interface WatchPanelProps {
  conversationId: string;
  model: FloorModel;
  me: AgentSelf;
  session: ConsoleSession;
  t: Strings;
  locale: Locale;
  s: FloorStrings;
  onClose(): void;
}

/** The transcript as the server sends it to watchers, merged by seq (pushes may come before the watch's answer). */
function useWatched(session: ConsoleSession, conversationId: string) {
  const [watched, setWatched] = useState<{ view: ConversationView | null; messages: Message[] }>({ view: null, messages: [] });
  const [typing, setTyping] = useState({ visitor: false, agent: false });
  useEffect(() => {
    let alive = true;
    const add = (ms: Message[]) => setWatched((w) => ({ ...w, messages: mergeBySeq(w.messages, ms).messages }));
    const offMessage = session.on('message', (m) => {
      if (m.conversationId !== conversationId) return;
      add([m]);
      if (m.author !== 'system') setTyping((x) => ({ ...x, [m.author]: false }));
    });
    const offTyping = session.on('typing', (p) => {
      if (p.conversationId === conversationId) setTyping((x) => ({ ...x, [p.author ?? 'visitor']: p.typing }));
    });
    void session
      .call('conversation:watch', { conversationId })
      .then((r) => {
        if (!alive || !r.ok) return;
        setWatched((w) => ({ view: r.data.conversation, messages: mergeBySeq(w.messages, r.data.messages).messages }));
      })
      .catch(() => undefined);
    return () => {
      alive = false;
      offMessage();
      offTyping();
      void session.call('conversation:unwatch', { conversationId }).catch(() => undefined);
    };
  }, [conversationId]);
  /** The watch answers with the latest page; earlier pages are read back on demand (protocol §4.8). */
  async function earlier(): Promise<boolean> {
    const first = watched.messages[0]?.seq ?? 1;
    if (first <= 1) return false;
    const r = await session.call('conversation:history', { conversationId, beforeSeq: first }).catch(() => null);
    if (r?.ok) setWatched((w) => ({ ...w, messages: mergeBySeq(w.messages, r.data.messages).messages }));
    return !!r?.ok;
  }
  return { watched, typing, earlier, add: (m: Message) => setWatched((w) => ({ ...w, messages: mergeBySeq(w.messages, [m]).messages })) };
}

export function WatchPanel({ conversationId, model, me, session, t, locale, s, onClose }: WatchPanelProps) {
  const { watched, typing, earlier, add } = useWatched(session, conversationId);
  const [error, setError] = useState<string | null>(null);
  const [target, setTarget] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [conversationId]);

  const live = model.conversations[conversationId];
  const view = live ?? watched.view;
  const hasRoom = (a: { status: string; load: number; capacity: number }) => a.status === 'online' && a.load < a.capacity;
  const candidates = Object.values(model.agents).filter((a) => a.id !== me.id && a.id !== live?.agent?.id && hasRoom(a));
  // A lead takes a chat for themself whatever their status or load (the server sets an offline lead away).
  const meCan = me.id !== live?.agent?.id;
  const options = [...(meCan ? [{ id: me.id, label: fill(s.me, { name: me.name }) }] : []), ...candidates.map((a) => ({ id: a.id, label: `${a.name} (${a.load} / ${a.capacity})` }))];
  const chosen = options.find((o) => o.id === target)?.id ?? options[0]?.id;

  const fail = (code: string) => setError(errorText(code, s));
  async function send(text: string, note: boolean): Promise<boolean> {
    const clientId = crypto.randomUUID();
    const r = await session.call('message:send', { conversationId, clientId, text, note }).catch(() => null);
    if (!r?.ok) return fail(r?.error.code ?? 'other'), false;
    setError(null);
    // The sending socket gets the ack, not an echo.
    add({ conversationId, seq: r.data.seq, clientId, author: 'agent', authorId: me.id, authorName: me.name, kind: note ? 'note' : 'text', text, at: r.data.at });
    return true;
  }
  async function takeOver() {
    if (!chosen) return;
    const r = await session.call('conversation:takeover', { conversationId, ...(chosen === me.id ? {} : { toAgentId: chosen }) }).catch(() => null);
    if (!r?.ok) fail(r?.error.code ?? 'other');
    else setError(null);
  }
  async function close() {
    const r = await session.call('conversation:close', { conversationId }).catch(() => null);
    if (!r?.ok) fail(r?.error.code ?? 'other');
    else onClose();
  }

  const name = view ? visitorName(view, s) : '';
  const closed = !live && watched.view !== null;
  return (
    <section class="watch-panel" aria-labelledby="watch-heading">
      <header>
        <h2 id="watch-heading" ref={heading} tabIndex={-1}>
          {fill(s.watching, { visitor: name })}
          {view?.agent && <small> · {view.agent.name}</small>}
        </h2>
        <button type="button" onClick={onClose}>{s.stopWatching}</button>
      </header>
      {view && (
        <Transcript
          key={conversationId}
          chat={{ view, messages: watched.messages, unread: 0, outbox: [], refused: [], visitorTyping: false }}
          t={t}
          locale={locale}
          onPosition={() => undefined}
          onRetry={() => undefined}
          onEarlier={earlier}
        />
      )}
      <p class="typing" aria-live="polite">
        {typing.visitor && s.visitorTyping} {typing.agent && view?.agent && fill(s.agentTyping, { name: view.agent.name })}
      </p>
      {error && <p class="error" role="alert">{error}</p>}
      {!closed && (
        <>
          <Box label={s.whisper} button={s.whisperSend} note onSend={(text) => send(text, true)} />
          <Box label={s.barge} button={s.bargeSend} onSend={(text) => send(text, false)} />
          <div class="takeover">
            {options.length ? (
              <>
                <label>
                  {s.takeOverTo}
                  <select value={chosen} onChange={(e) => setTarget(e.currentTarget.value)}>
                    {options.map((o) => (
                      <option key={o.id} value={o.id}>{o.label}</option>
                    ))}
                  </select>
                </label>
                <button type="button" onClick={() => void takeOver()}>{s.takeOver}</button>
                <small>{s.takeOverHint}</small>
              </>
            ) : (
              <small>{s.nobodyFree}</small>
            )}
          </div>
          <button type="button" class="danger" onClick={() => void close()}>{s.closeConversation}</button>
        </>
      )}
    </section>
  );
}

/** A labelled text box with its send button (Ctrl/⌘+Enter sends too). */
function Box({ label, button, note, onSend }: { label: string; button: string; note?: boolean; onSend(text: string): Promise<boolean> }) {
  const [text, setText] = useState('');
  const submit = async () => {
    const trimmed = text.trim();
    if (trimmed && (await onSend(trimmed))) setText('');
  };
  return (
    <form
      class={note ? 'box note' : 'box'}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <textarea
        aria-label={label}
        placeholder={label}
        rows={2}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      <button type="submit">{button}</button>
    </form>
  );
}
