/** The agent console: sign-in, chat list, conversation, composer with canned replies and FAQ, visitor panel. */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CLOSE_CATEGORIES, type AgentStatus, type Message, type Result, type VisitorInfo } from '../../shared/protocol';
import { createApi, fillVariables, type CannedReply, type Colleague, type FaqMatch } from './api';
import { fill, type Locale, type Strings, strings } from './i18n';
import { createConsoleSession, ordered, waitingSince, type Chat, type ConsoleSession, type ConsoleState } from './session';
import { Linked } from '../../shared/ui/linked';

const TOKEN_KEY = 'livesupport:console:token';

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function App({ initialLocale }: { initialLocale: Locale }) {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const [token, setToken] = useState<string | null>(readToken);
  const t = strings(locale);
  const api = useMemo(() => createApi(location.origin, () => token), [token]);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
  };
  const langSwitch = (
    <label class="lang">
      {t.language}
      <select value={locale} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
        <option value="en">English</option>
        <option value="zh-CN">中文</option>
      </select>
    </label>
  );
  const invite = /^#invite=([\w-]+)$/.exec(location.hash)?.[1];
  if (invite && !token) {
    return <AcceptInvitation t={t} api={api} token={invite} langSwitch={langSwitch} />;
  }
  if (!token) {
    return (
      <SignIn
        t={t}
        langSwitch={langSwitch}
        onSignedIn={async (email, password) => {
          const r = await api.login(email, password);
          sessionStorage.setItem(TOKEN_KEY, r.token);
          // Ask once, on a user gesture: desktop notifications for new chats.
          if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
          setToken(r.token);
        }}
      />
    );
  }
  return <Workspace key={token} token={token} t={t} locale={locale} api={api} langSwitch={langSwitch} onSignOut={signOut} />;
}

/** The page an invitation or password-reset link opens: choose a password, then sign in. */
function AcceptInvitation({ t, api, token, langSwitch }: { t: Strings; api: ReturnType<typeof createApi>; token: string; langSwitch: preact.JSX.Element }) {
  const [email, setEmail] = useState<string | null>(null);
  const [state, setState] = useState<'form' | 'saved' | 'invalid'>('form');
  const [error, setError] = useState('');
  useEffect(() => {
    api.invitation(token).then((r) => setEmail(r.invitation.user.email), () => setState('invalid'));
  }, [token]);
  const done = () => {
    history.replaceState(null, '', location.pathname);
    location.reload();
  };
  return (
    <main class="signin">
      <form
        aria-label={t.setPassword}
        onSubmit={async (e) => {
          e.preventDefault();
          const password = String(new FormData(e.currentTarget).get('password'));
          setError('');
          await api.acceptInvitation(token, password).then(
            () => setState('saved'),
            (err: { code?: string; message?: string }) => setError(err.code === 'VALIDATION_FAILED' ? t.newPassword : t.invitationInvalid),
          );
        }}
      >
        <h1>{t.setPassword}</h1>
        {state === 'invalid' && <p role="alert" class="error">{t.invitationInvalid}</p>}
        {state === 'saved' && (
          <>
            <p role="status">{t.passwordSaved}</p>
            <button type="button" class="primary" onClick={done}>{t.signIn}</button>
          </>
        )}
        {state === 'form' && (
          <>
            {email && <p>{email}</p>}
            <label>
              {t.newPassword}
              <input name="password" type="password" minLength={10} maxLength={200} required autoComplete="new-password" />
            </label>
            {error && <p role="alert" class="error">{error}</p>}
            <button type="submit" class="primary">{t.savePassword}</button>
          </>
        )}
        {langSwitch}
      </form>
    </main>
  );
}

function SignIn({ t, onSignedIn, langSwitch }: { t: Strings; onSignedIn(email: string, password: string): Promise<void>; langSwitch: preact.JSX.Element }) {
  const [error, setError] = useState('');
  return (
    <main class="signin">
      <form
        aria-label={t.signIn}
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          setError('');
          await onSignedIn(String(f.get('email')), String(f.get('password'))).catch(() => setError(t.signInFailed));
        }}
      >
        <h1>{t.appName}</h1>
        <label>
          {t.email}
          <input name="email" type="email" required autoComplete="username" />
        </label>
        <label>
          {t.password}
          <input name="password" type="password" required autoComplete="current-password" />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit" class="primary">{t.signIn}</button>
        <p class="hint">{t.firstLoginHint}</p>
        {langSwitch}
      </form>
    </main>
  );
}

function chime() {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 660;
    gain.gain.setValueAtTime(0.1, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.4);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.4);
  } catch {
    // Autoplay policy: the title count and the list still show it.
  }
}

interface WorkspaceProps {
  token: string;
  t: Strings;
  locale: Locale;
  api: ReturnType<typeof createApi>;
  langSwitch: preact.JSX.Element;
  onSignOut(): void;
}

function Workspace({ token, t, locale, api, langSwitch, onSignOut }: WorkspaceProps) {
  const session = useMemo(
    () =>
      createConsoleSession({
        url: location.origin,
        token,
        onAssigned: (c) => {
          chime();
          if ('Notification' in window && Notification.permission === 'granted' && document.hidden) {
            new Notification(t.newChat, { body: c.messages.filter((m) => m.kind === 'text').at(-1)?.text ?? '' });
          }
        },
      }),
    [token],
  );
  const [s, setS] = useState<ConsoleState>(session.state);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'transfer' | 'close' | 'handover' | null>(null);
  const drafts = useRef<Record<string, { text: string; note: boolean }>>({});
  const positions = useRef<Record<string, TranscriptPosition>>({});
  const [, setNow] = useState(Date.now());

  useEffect(() => {
    const off = session.subscribe(setS);
    const tick = setInterval(() => setNow(Date.now()), 15_000);
    return () => {
      off();
      clearInterval(tick);
      session.disconnect();
    };
  }, [session]);
  useEffect(() => {
    if (s.refused) onSignOut();
  }, [s.refused]);

  const list = ordered(s.chats);
  const active = activeId ? s.chats[activeId] : undefined;
  useEffect(() => {
    if (activeId && !s.chats[activeId]) setActiveId(null);
  }, [s.chats, activeId]);
  useEffect(() => {
    if (!activeId && list.length) setActiveId(list[0].view.id);
    session.setActive(activeId);
  }, [activeId, list.length]);

  const unreadTotal = list.reduce((n, c) => n + c.unread, 0);
  useEffect(() => {
    document.title = unreadTotal ? `(${unreadTotal}) ${t.appName}` : t.appName;
  }, [unreadTotal, t]);

  // Alt+↓ / Alt+↑ move through the list; Alt+W jumps to the conversation waiting longest.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || !list.length) return;
      const i = list.findIndex((c) => c.view.id === activeId);
      if (e.key === 'ArrowDown') setActiveId(list[(i + 1) % list.length].view.id);
      else if (e.key === 'ArrowUp') setActiveId(list[(i - 1 + list.length) % list.length].view.id);
      else if (e.key.toLowerCase() === 'w') {
        const waiting = list.find((c) => waitingSince(c) !== null);
        if (waiting) setActiveId(waiting.view.id);
      } else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [list, activeId]);

  const me = s.me;
  const switchTo = (id: string) => setActiveId(id);

  return (
    <div class="console">
      <header class="topbar">
        <h1>{t.appName}</h1>
        {me && (
          <>
            <label>
              {t.status}
              <select
                value={me.status}
                onChange={(e) => void session.call('agent:status', { status: e.currentTarget.value as AgentStatus })}
              >
                <option value="online">{t.online}</option>
                <option value="away">{t.away}</option>
                <option value="offline">{t.offline}</option>
              </select>
            </label>
            <span class="load" aria-label={`${t.load} ${me.load} / ${me.capacity}`}>
              {t.load} <strong>{me.load} / {me.capacity}</strong>
            </span>
            <span class="who">{me.name}</span>
          </>
        )}
        <button type="button" onClick={() => setDialog('handover')} disabled={!me}>
          {t.endShift}
        </button>
        {langSwitch}
        <button type="button" onClick={onSignOut}>
          {t.signOut}
        </button>
      </header>
      {s.connection === 'offline' && (
        <p class="banner" role="status">
          {t.reconnecting}
        </p>
      )}
      <div class="panes">
        <nav class="chatlist" aria-label={t.conversations}>
          <h2>{t.conversations}</h2>
          {!list.length && <p class="empty">{t.noConversations}</p>}
          <ul>
            {list.map((c) => (
              <ChatItem key={c.view.id} chat={c} t={t} active={c.view.id === activeId} onSelect={() => switchTo(c.view.id)} />
            ))}
          </ul>
        </nav>
        {active ? (
          <Conversation
            key={active.view.id}
            chat={active}
            session={session}
            api={api}
            t={t}
            locale={locale}
            agentName={me?.name ?? ''}
            draft={drafts.current[active.view.id] ?? { text: '', note: false }}
            onDraft={(d) => (drafts.current[active.view.id] = d)}
            position={positions.current[active.view.id]}
            onPosition={(p) => (positions.current[active.view.id] = p)}
            onTransfer={() => setDialog('transfer')}
            onClose={() => setDialog('close')}
          />
        ) : (
          <main class="conversation empty">{t.selectConversation}</main>
        )}
      </div>
      {dialog === 'transfer' && active && (
        <MoveDialog
          t={t}
          api={api}
          meId={me?.id}
          labels={{ title: t.transferTitle, to: t.transferTo, note: t.transferNote, confirm: t.confirmTransfer }}
          move={(toAgentId, note) => session.call('conversation:transfer', { conversationId: active.view.id, toAgentId, ...(note ? { note } : {}) })}
          onDone={() => setDialog(null)}
        />
      )}
      {dialog === 'close' && active && <CloseDialog t={t} session={session} chat={active} onDone={() => setDialog(null)} />}
      {dialog === 'handover' && (
        <MoveDialog
          t={t}
          api={api}
          meId={me?.id}
          labels={{ title: t.endShiftTitle, to: t.handoverTo, note: t.handoverNote, confirm: t.confirmHandover }}
          move={(toAgentId, note) => session.call('agent:handover', { toAgentId, ...(note ? { note } : {}) })}
          onDone={() => setDialog(null)}
        />
      )}
    </div>
  );
}

function since(t: Strings, at: number) {
  const sec = Math.max(0, Math.round((Date.now() - at) / 1000));
  const time = sec < 60 ? `${sec}s` : sec < 3600 ? `${Math.floor(sec / 60)}m` : `${Math.floor(sec / 3600)}h`;
  return fill(t.waiting, { time });
}

function visitorLabel(chat: Chat, t: Strings) {
  return chat.view.visitorName ?? `${t.visitor} ${chat.view.visitorId.slice(0, 6)}`;
}

function ChatItem({ chat, t, active, onSelect }: { chat: Chat; t: Strings; active: boolean; onSelect(): void }) {
  let last: Message | undefined;
  for (let i = chat.messages.length - 1; i >= 0 && !last; i--) if (chat.messages[i].kind === 'text') last = chat.messages[i];
  const waiting = waitingSince(chat);
  const urgency = waiting === null ? '' : Date.now() - waiting > 60_000 ? ' late' : ' waiting';
  return (
    <li>
      <button type="button" class={`chatitem${active ? ' active' : ''}${urgency}`} aria-current={active ? 'true' : undefined} onClick={onSelect}>
        <span class="name">{visitorLabel(chat, t)}</span>
        {chat.unread > 0 && <span class="unread" aria-label={fill(t.unread, { n: chat.unread })}>{chat.unread}</span>}
        <span class="preview">{last?.text ?? ''}</span>
        {waiting !== null && <span class="wait">{since(t, waiting)}</span>}
      </button>
    </li>
  );
}


function eventText(m: Message, t: Strings): string {
  const e = m.event!;
  switch (e.type) {
    case 'opened':
      return t.eventOpened;
    case 'queued':
      return fill(t.eventQueued, { position: e.position });
    case 'assigned':
      return fill(t.eventAssigned, { agent: e.agentName });
    case 'transferred':
      return e.note ? `${t.eventTransferred}: ${e.note}` : t.eventTransferred;
    case 'agent_disconnected':
      return t.eventDisconnected;
    case 'requeued':
      return t.eventRequeued;
    case 'closed':
      return fill(t.eventClosed, { by: e.by === 'visitor' ? t.visitor : e.by });
  }
}

/**
 * Messages a transcript renders when it opens, and how many more each "Show earlier" adds.
 * Rendering (and laying out) a whole long history on every switch made switching slow
 * (bench/console-switch.ts); the session still holds every message.
 */
const TRANSCRIPT_PAGE = 100;

/** Where a transcript was left: its scroll offset and how many of its first messages are not rendered. */
interface TranscriptPosition {
  scrollTop: number;
  hidden: number;
}

interface ConversationProps {
  chat: Chat;
  session: ConsoleSession;
  api: ReturnType<typeof createApi>;
  t: Strings;
  locale: Locale;
  agentName: string;
  draft: { text: string; note: boolean };
  onDraft(d: { text: string; note: boolean }): void;
  position?: TranscriptPosition;
  onPosition(p: TranscriptPosition): void;
  onTransfer(): void;
  onClose(): void;
}

function Conversation({ chat, session, api, t, locale, agentName, draft, onDraft, position, onPosition, onTransfer, onClose }: ConversationProps) {
  const [text, setText] = useState(draft.text);
  const [note, setNote] = useState(draft.note);
  const [canned, setCanned] = useState<CannedReply[] | null>(null);
  const [pick, setPick] = useState(0);
  const [faq, setFaq] = useState<FaqMatch[]>([]);
  const [info, setInfo] = useState<VisitorInfo | null>(null);
  const [past, setPast] = useState<string | null>(null);
  const [hidden, setHidden] = useState(position?.hidden ?? Math.max(0, chat.messages.length - TRANSCRIPT_PAGE));
  /** Distance from the content's end to the scroll offset, kept while earlier messages are added above. */
  const fromEnd = useRef<number | null>(null);
  const log = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const id = chat.view.id;

  // Each conversation keeps its draft and scroll position across switches. Scrolling happens
  // before the browser paints (layout effects), so a transcript never shows its top first.
  useEffect(() => onDraft({ text, note }), [text, note]);
  useLayoutEffect(() => {
    const el = log.current!;
    el.scrollTop = position?.scrollTop ?? el.scrollHeight;
    box.current?.focus();
  }, []);
  // After "Show earlier": what was on screen stays in place, the earlier messages above it.
  useLayoutEffect(() => {
    const el = log.current!;
    if (fromEnd.current !== null) el.scrollTop = el.scrollHeight - fromEnd.current;
    fromEnd.current = null;
    onPosition({ scrollTop: el.scrollTop, hidden });
  }, [hidden]);
  const showEarlier = () => {
    const el = log.current!;
    fromEnd.current = el.scrollHeight - el.scrollTop;
    setHidden(Math.max(0, hidden - TRANSCRIPT_PAGE));
  };
  useLayoutEffect(() => {
    const el = log.current!;
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 120) el.scrollTop = el.scrollHeight;
  }, [chat.messages.length, chat.outbox.length]);

  useEffect(() => {
    void session.call<VisitorInfo>('visitor:info', { conversationId: id }).then((r) => r.ok && setInfo(r.data));
  }, [id]);

  const lastVisitorText = [...chat.messages].reverse().find((m) => m.author === 'visitor' && m.kind === 'text')?.text;
  useEffect(() => {
    if (!lastVisitorText) return setFaq([]);
    api.faqMatch(lastVisitorText).then((r) => setFaq(r.matches), () => setFaq([]));
  }, [lastVisitorText]);

  // "/" at the start of the composer opens the canned-reply picker, filtered as one types.
  useEffect(() => {
    if (!text.startsWith('/')) return setCanned(null);
    const q = text.slice(1);
    let stale = false;
    api.cannedReplies(q).then(
      (r) => {
        if (!stale) {
          setCanned(r.replies);
          setPick(0);
        }
      },
      () => !stale && setCanned([]),
    );
    return () => {
      stale = true;
    };
  }, [text]);

  const vars = { 'visitor.name': chat.view.visitorName ?? '', 'agent.name': agentName, 'conversation.id': id };
  const insert = (body: string) => {
    setText(fillVariables(body, vars));
    setCanned(null);
    box.current?.focus();
  };
  const send = () => {
    if (!text.trim()) return;
    session.send(id, text, note);
    session.typing(id, false);
    setText('');
  };

  return (
    <>
      <main class="conversation" aria-label={`${t.transcript}: ${visitorLabel(chat, t)}`}>
        <div class="convhead">
          <h2>{visitorLabel(chat, t)}</h2>
          <button type="button" onClick={onTransfer}>{t.transfer}</button>
          <button type="button" onClick={onClose}>{t.close}</button>
        </div>
        <div ref={log} class="log" role="log" aria-label={t.transcript} tabIndex={0} onScroll={(e) => onPosition({ scrollTop: e.currentTarget.scrollTop, hidden })}>
          {hidden > 0 && (
            <button type="button" class="earlier" onClick={showEarlier}>
              {fill(t.showEarlier, { n: hidden })}
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
                </span>
                <span class="text"><Linked text={m.text} /></span>
              </div>
            ),
          )}
          {chat.outbox.map((p) => (
            <div key={p.clientId} class={`msg agent ${p.note ? 'note' : 'text'} ${p.state}`}>
              <span class="meta">
                {p.state === 'failed' ? t.failed : t.sending}
                {p.state === 'failed' && (
                  <button type="button" class="link" onClick={() => session.retry(id, p.clientId)}>{t.retry}</button>
                )}
              </span>
              <span class="text">{p.text}</span>
            </div>
          ))}
          {chat.visitorTyping && <div class="event">{t.typing}</div>}
        </div>
        <form
          class={`composer${note ? ' noting' : ''}`}
          onSubmit={(e) => {
            e.preventDefault();
            send();
          }}
        >
          {canned && (
            <ul class="picker" role="listbox" aria-label={t.cannedReplies}>
              {canned.length === 0 && <li class="empty">{t.noCanned}</li>}
              {canned.map((r, i) => (
                <li
                  key={r.id}
                  role="option"
                  aria-selected={i === pick}
                  class={i === pick ? 'picked' : ''}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    insert(r.body);
                  }}
                >
                  <strong>/{r.shortcut}</strong> {r.title}
                </li>
              ))}
            </ul>
          )}
          <textarea
            ref={box}
            aria-label={note ? t.internalNote : t.reply}
            placeholder={note ? t.notePlaceholder : t.replyPlaceholder}
            rows={3}
            value={text}
            onInput={(e) => {
              setText(e.currentTarget.value);
              if (!note) session.typing(id, e.currentTarget.value.length > 0);
            }}
            onKeyDown={(e) => {
              if (canned?.length) {
                if (e.key === 'ArrowDown') return (e.preventDefault(), setPick((pick + 1) % canned.length));
                if (e.key === 'ArrowUp') return (e.preventDefault(), setPick((pick - 1 + canned.length) % canned.length));
                if (e.key === 'Enter') return (e.preventDefault(), insert(canned[pick].body));
                if (e.key === 'Escape') return (e.preventDefault(), setCanned(null));
              }
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
                e.preventDefault();
                send();
              }
            }}
          />
          <div class="actions">
            <label class="notetoggle">
              <input type="checkbox" checked={note} onChange={(e) => setNote(e.currentTarget.checked)} />
              {t.internalNote}
            </label>
            <button type="submit" class="primary">{note ? t.addNote : t.send}</button>
          </div>
        </form>
      </main>
      <aside class="side" aria-label={t.visitorPanel}>
        <section aria-label={t.faqSuggestions}>
          <h3>{t.faqSuggestions}</h3>
          {faq.length === 0 && <p class="empty">{t.none}</p>}
          {faq.map((f) => (
            <div class="faq" key={f.entry.id}>
              <strong>{f.entry.question}</strong>
              <p>{f.entry.answer}</p>
              <button type="button" aria-label={`${t.insert}: ${f.entry.question}`} onClick={() => insert(f.entry.answer)}>
                {t.insert}
              </button>
            </div>
          ))}
        </section>
        <VisitorPanel info={info} t={t} locale={locale} onOpenTranscript={setPast} />
        {past && <PastTranscript id={past} api={api} t={t} locale={locale} onDone={() => setPast(null)} />}
      </aside>
    </>
  );
}

function VisitorPanel({ info, t, locale, onOpenTranscript }: { info: VisitorInfo | null; t: Strings; locale: Locale; onOpenTranscript(id: string): void }) {
  if (!info) return null;
  const c = info.context;
  const safeUrl = (u?: string) => (u && /^https?:\/\//i.test(u) ? u : null);
  let local = '';
  try {
    if (c?.timeZone) local = new Intl.DateTimeFormat(locale, { timeZone: c.timeZone, hour: '2-digit', minute: '2-digit' }).format(Date.now()) + ` (${c.timeZone})`;
  } catch {
    local = c?.timeZone ?? '';
  }
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <section aria-label={t.visitorPanel}>
      <h3>{t.visitorPanel}</h3>
      <dl>
        <dt>{t.name}</dt>
        <dd>{info.name ?? '—'}{info.email ? ` <${info.email}>` : ''}</dd>
        <dt>{t.page}</dt>
        <dd>{safeUrl(c?.url) ? <a href={c!.url} target="_blank" rel="noopener noreferrer">{c?.title || c?.url}</a> : c?.url ?? '—'}</dd>
        <dt>{t.referrer}</dt>
        <dd>{c?.referrer || '—'}</dd>
        <dt>{t.browser}</dt>
        <dd>{[c?.language, info.userAgent].filter(Boolean).join(' · ') || '—'}</dd>
        <dt>{t.localTime}</dt>
        <dd>{local || '—'}</dd>
        {Object.entries(c?.data ?? {}).map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
      <h3>{t.pastConversations}</h3>
      {info.pastConversations.length === 0 ? (
        <p class="empty">{t.none}</p>
      ) : (
        <ul class="past">
          {info.pastConversations.map((p) => (
            <li key={p.id}>
              <button type="button" class="link" onClick={() => onOpenTranscript(p.id)}>
                {date.format(p.openedAt)} · {p.agentName ?? '—'} · {p.status}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** An earlier conversation's transcript, read over REST with my token (read-only). */
function PastTranscript({ id, api, t, locale, onDone }: { id: string; api: ReturnType<typeof createApi>; t: Strings; locale: Locale; onDone(): void }) {
  const [messages, setMessages] = useState<Message[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.transcript(id).then((r) => setMessages(r.messages), (e: { code?: string }) => setError(fill(t.error, { code: e.code ?? '' })));
  }, [id]);
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <Dialog title={t.pastConversations} onCancel={onDone}>
      {error && <p role="alert" class="error">{error}</p>}
      <div class="log past-log" role="log" aria-label={t.transcript} tabIndex={0}>
        {(messages ?? []).map((m) =>
          m.kind === 'event' ? (
            <div key={m.seq} class="event">{eventText(m, t)} · {time.format(m.at)}</div>
          ) : (
            <div key={m.seq} class={`msg ${m.author} ${m.kind}`}>
              <span class="meta">{m.authorName ?? t.visitor} · {time.format(m.at)}</span>
              <span class="text">{m.text}</span>
            </div>
          ),
        )}
      </div>
      <div class="buttons">
        <button type="button" onClick={onDone}>{t.cancel}</button>
      </div>
    </Dialog>
  );
}

function Dialog({ title, children, onCancel }: { title: string; children: preact.ComponentChildren; onCancel(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('select, input, textarea, button')?.focus();
  }, []);
  return (
    <div class="overlay" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div ref={ref} class="dialog" role="dialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

function useColleagues(api: ReturnType<typeof createApi>, meId?: string) {
  const [list, setList] = useState<Colleague[]>([]);
  useEffect(() => {
    api.colleagues().then((r) => setList(r.users.filter((u) => u.id !== meId)), () => setList([]));
  }, []);
  return list;
}

function colleagueLabel(c: Colleague, t: Strings) {
  const load = c.capacity !== undefined ? ` — ${c.load ?? 0} / ${c.capacity}` : '';
  const status = c.status ? ` (${t[c.status as 'online'] ?? c.status})` : '';
  return `${c.name}${status}${load}`;
}

/**
 * Moving chats to a colleague or back to the queue, with a note: one conversation
 * (Transfer) or all of mine at the end of a shift (Handover).
 */
function MoveDialog(props: {
  t: Strings;
  api: ReturnType<typeof createApi>;
  meId?: string;
  labels: { title: string; to: string; note: string; confirm: string };
  move(toAgentId: string | null, note?: string): Promise<Result<unknown>>;
  onDone(): void;
}) {
  const { t, labels, onDone } = props;
  const colleagues = useColleagues(props.api, props.meId);
  const [error, setError] = useState('');
  return (
    <Dialog title={labels.title} onCancel={onDone}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const note = String(f.get('note') ?? '').trim();
          const r = await props.move(String(f.get('to')) || null, note || undefined);
          if (r.ok) onDone();
          else setError(fill(t.error, { code: r.error.code }));
        }}
      >
        <label>
          {labels.to}
          <select name="to">
            <option value="">{t.backToQueue}</option>
            {colleagues.map((c) => (
              <option key={c.id} value={c.id}>{colleagueLabel(c, t)}</option>
            ))}
          </select>
        </label>
        <label>
          {labels.note}
          <textarea name="note" rows={2} maxLength={1000} />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <div class="buttons">
          <button type="button" onClick={onDone}>{t.cancel}</button>
          <button type="submit" class="primary">{labels.confirm}</button>
        </div>
      </form>
    </Dialog>
  );
}

function CloseDialog({ t, session, chat, onDone }: { t: Strings; session: ConsoleSession; chat: Chat; onDone(): void }) {
  const [error, setError] = useState('');
  return (
    <Dialog title={t.closeTitle} onCancel={onDone}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const summary = String(f.get('summary') ?? '').trim();
          const r = await session.call('conversation:close', {
            conversationId: chat.view.id,
            category: f.get('category'),
            ...(summary ? { summary } : {}),
          });
          if (r.ok) onDone();
          else setError(fill(t.error, { code: r.error.code }));
        }}
      >
        <label>
          {t.category}
          <select name="category">
            {CLOSE_CATEGORIES.map((c) => (
              <option key={c} value={c}>{t[`category.${c}`]}</option>
            ))}
          </select>
        </label>
        <label>
          {t.summary}
          <textarea name="summary" rows={3} maxLength={1000} />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <div class="buttons">
          <button type="button" onClick={onDone}>{t.cancel}</button>
          <button type="submit" class="primary">{t.confirmClose}</button>
        </div>
      </form>
    </Dialog>
  );
}
