/** The widget UI: launcher, panel, transcript, composer, leave-a-message form and rating. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { VisitorMessage as Message } from '../../shared/protocol';
import type { Chat, ChatState } from './chat';
import { backAt, fill, type Locale, type Strings } from './i18n';
import { clockTime } from '../../shared/client/format';
import { chime } from '../../shared/ui/chime';
import { Linked } from '../../shared/ui/linked';
import { PreChat } from './prechat';
import { preChatFields } from './prechat-fields';
import { FaqOffer, LongWait, waitText } from './queue-help';

export interface WidgetSettings {
  title?: string;
  greeting?: string;
  position: 'left' | 'right';
  accent?: string;
  sound: boolean;
}

export interface AppProps {
  chat: Chat;
  t: Strings;
  locale: Locale;
  settings: WidgetSettings;
  /** Open/close requests from the host page API. */
  bindOpen(setOpen: (open: boolean) => void): void;
  onOpenChange(open: boolean): void;
}


function eventText(m: Message, t: Strings): string | null {
  switch (m.event?.type) {
    case 'assigned':
      return fill(t.eventAssigned, { agent: m.event.agentName });
    case 'transferred':
      return t.eventTransferred;
    case 'requeued':
      return t.eventRequeued;
    case 'closed':
      return t.eventClosed;
    default:
      return null; // opened, queued, agent_disconnected: the status line already says it
  }
}

export function App({ chat, t, locale, settings, bindOpen, onOpenChange }: AppProps) {
  const [s, setS] = useState<ChatState>(chat.state);
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  const [unread, setUnread] = useState(0);
  const [notice, setNotice] = useState('');
  const launcher = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const openRef = useRef(open);
  openRef.current = open;
  const time = clockTime(locale);

  useEffect(() => {
    bindOpen(setOpen);
    return chat.subscribe((next, incoming) => {
      setS(next);
      if (incoming && !openRef.current) setUnread((n) => n + 1);
    });
  }, []);

  const mounted = useRef(false);
  useEffect(() => {
    // The host page hears about changes, not about the initial closed state.
    if (mounted.current) onOpenChange(open);
    mounted.current = true;
    if (open) {
      setUnread(0);
      chat.start();
      // Focus moves into the panel on open and back to the launcher on close.
      requestAnimationFrame(() => panel.current?.querySelector<HTMLElement>('textarea, input')?.focus());
    } else if (panel.current === null && document.activeElement) {
      launcher.current?.focus();
    }
  }, [open]);

  // Minimised: the page title and an optional chime tell the shopper an answer came.
  const baseTitle = useRef(document.title);
  useEffect(() => {
    if (!unread) {
      if (document.title !== baseTitle.current && document.title.includes(' · ')) document.title = baseTitle.current;
      return;
    }
    if (unread === 1) baseTitle.current = document.title;
    document.title = `${fill(t.unreadTitle, { n: unread })} · ${baseTitle.current}`;
    if (settings.sound) chime(880, 0.08, 0.3);
  }, [unread]);

  // The rating panel takes room from the transcript: the last answers stay in view above it.
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [s.messages.length, s.outbox.length, open, s.toRate]);

  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => launcher.current?.focus());
  };

  const send = () => {
    if (!draft.trim()) return;
    chat.send(draft);
    chat.typing(false);
    setDraft('');
  };

  const c = s.conversation;
  const status =
    s.connection === 'offline'
      ? t.reconnecting
      : s.connection === 'connecting'
        ? t.connecting
        : c?.status === 'queued' && c.queuePosition
          ? fill(t.queued, { position: c.queuePosition, ahead: c.queuePosition - 1 }) + waitText(c, t)
          : c?.status === 'open' && c.agentName
            ? fill(t.connectedWith, { agent: c.agentName })
            : c?.status === 'closed'
              ? t.ended
              : t.waiting;
  const offline = !s.agentsAvailable && !c && s.connection === 'online' && s.outbox.length === 0;
  const ask = preChatFields(s);

  return (
    <div class={`ls-root ls-${settings.position}${open ? ' ls-open' : ''}`} lang={locale}>
      {open && (
        <div
          ref={panel}
          class="ls-panel"
          role="dialog"
          aria-modal="false"
          aria-label={settings.title ?? t.title}
          onKeyDown={(e) => e.key === 'Escape' && close()}
        >
          <header class="ls-head">
            <div>
              <h2 class="ls-title">{settings.title ?? t.title}</h2>
              <p class="ls-status" role="status">
                {status}
              </p>
            </div>
            {c && c.status !== 'closed' && (
              <button type="button" class="ls-link" onClick={() => void chat.end()}>
                {t.endChat}
              </button>
            )}
            <button type="button" class="ls-icon" aria-label={t.minimise} title={t.minimise} onClick={close}>
              <span aria-hidden="true">×</span>
            </button>
          </header>

          {offline ? (
            <OfflineForm chat={chat} t={t} notice={notice} setNotice={setNotice} back={s.reopensAt ? backAt(t, s.reopensAt, Date.now(), locale) : null} />
          ) : ask ? (
            <PreChat chat={chat} s={s} t={t} fields={ask} />
          ) : (
            <>
              <div ref={list} class="ls-list" role="log" aria-live="polite" aria-label={t.messages} tabIndex={0}>
                {settings.greeting && <div class="ls-msg ls-them">{settings.greeting}</div>}
                {s.messages.map((m) => {
                  if (m.kind === 'event') {
                    if (m.event?.type === 'faq_offered') return <FaqOffer key={m.seq} m={m} s={s} chat={chat} t={t} />;
                    const text = eventText(m, t);
                    return text && <div class="ls-event" key={m.seq}>{text}</div>;
                  }
                  const mine = m.author === 'visitor';
                  return (
                    <div class={`ls-msg ${mine ? 'ls-mine' : 'ls-them'}`} key={m.seq}>
                      {!mine && <span class="ls-who">{m.authorName ?? t.support}</span>}
                      <span class="ls-text">
                        <Linked text={m.text} />
                      </span>
                      <time class="ls-time" dateTime={new Date(m.at).toISOString()}>
                        {time.format(m.at)}
                        {mine && ` · ${t.sent}`}
                      </time>
                    </div>
                  );
                })}
                {s.refused.concat(s.outbox).map((p) => (
                  <div class={`ls-msg ls-mine ls-${p.state}`} key={p.clientId}>
                    <span class="ls-text">
                      <Linked text={p.text} />
                    </span>
                    <span class="ls-time">
                      {t[p.state]}
                      {p.state === 'failed' && (
                        <button type="button" class="ls-link" onClick={() => chat.retry(p.clientId)}>
                          {t.retry}
                        </button>
                      )}
                    </span>
                  </div>
                ))}
                <LongWait key={c?.id} c={c} chat={chat} t={t} Form={OfflineForm} />
                {s.agentTyping && <div class="ls-event">{fill(t.typing, { agent: c?.agentName ?? t.support })}</div>}
              </div>
              {s.toRate && c?.agentName ? (
                <Rating key={s.toRate} chat={chat} t={t} />
              ) : (
                notice && <p class="ls-notice">{notice}</p>
              )}
              <form
                class="ls-composer"
                onSubmit={(e) => {
                  e.preventDefault();
                  send();
                }}
              >
                <textarea
                  aria-label={t.composerLabel}
                  placeholder={t.composerPlaceholder}
                  rows={2}
                  maxLength={s.max}
                  value={draft}
                  onInput={(e) => {
                    setDraft(e.currentTarget.value);
                    chat.typing(e.currentTarget.value.length > 0);
                  }}
                  onKeyDown={(e) => {
                    // Enter that confirms an IME composition (Chinese input) must not send.
                    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
                      e.preventDefault();
                      send();
                    }
                  }}
                />
                <button type="submit" class="ls-send">
                  {t.send}
                </button>
              </form>
            </>
          )}
        </div>
      )}
      <button
        ref={launcher}
        type="button"
        class="ls-launcher"
        aria-label={unread ? `${t.launcher} (${unread})` : t.launcher}
        aria-expanded={open}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
          <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" />
        </svg>
        {unread > 0 && <span class="ls-badge" aria-hidden="true">{unread}</span>}
      </button>
    </div>
  );
}

function OfflineForm({ chat, t, notice, setNotice, back }: { chat: Chat; t: Strings; notice: string; setNotice(s: string): void; back?: string | null }) {
  const [busy, setBusy] = useState(false);
  if (notice === t.leftMessage) return <p class="ls-notice" role="status">{notice}</p>;
  return (
    <form
      class="ls-form"
      aria-label={t.offlineTitle}
      onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        setBusy(true);
        const r = await chat
          .leaveMessage({ name: String(f.get('name')), email: String(f.get('email')), text: String(f.get('text')) })
          .catch(() => null);
        setBusy(false);
        setNotice(r?.ok ? t.leftMessage : t.error);
      }}
    >
      <h3>{t.offlineTitle}</h3>
      {back && <p class="ls-back">{back}</p>}
      <p>{t.offlineIntro}</p>
      <label>
        {t.name}
        <input name="name" required maxLength={100} autoComplete="name" />
      </label>
      <label>
        {t.email}
        <input name="email" type="email" required maxLength={254} autoComplete="email" />
      </label>
      <label>
        {t.message}
        <textarea name="text" required maxLength={4000} rows={4} />
      </label>
      {notice && <p class="ls-notice" role="alert">{notice}</p>}
      <button type="submit" class="ls-send" disabled={busy}>
        {t.leaveMessage}
      </button>
    </form>
  );
}

function Rating({ chat, t }: { chat: Chat; t: Strings }) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [done, setDone] = useState(false);
  const [failed, setFailed] = useState(false);
  if (done) return <p class="ls-notice" role="status">{t.thanksRating}</p>;
  return (
    <form
      class="ls-rating"
      aria-label={t.rateTitle}
      onSubmit={async (e) => {
        e.preventDefault();
        if (!score) return;
        const r = await chat.rate(score, comment.trim() || undefined).catch(() => null);
        setDone(!!r?.ok);
        setFailed(!r?.ok);
      }}
    >
      <fieldset>
        <legend>{t.rateTitle}</legend>
        <div class="ls-stars" role="radiogroup" aria-label={t.rateStars}>
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              type="button"
              role="radio"
              aria-checked={score === n}
              aria-label={fill(t.star, { n })}
              class={n <= score ? 'ls-star ls-on' : 'ls-star'}
              onClick={() => setScore(n)}
            >
              ★
            </button>
          ))}
        </div>
      </fieldset>
      <input aria-label={t.comment} placeholder={t.comment} maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      {failed && <p class="ls-notice" role="alert">{t.error}</p>}
      <button type="submit" class="ls-send" disabled={!score}>
        {t.submitRating}
      </button>
    </form>
  );
}
