/**
 * The embeddable widget: one script tag, one global (`window.LiveSupport`), UI in a
 * shadow root so the host page's CSS cannot reach it and ours cannot leak out.
 *
 *   <script src="https://SERVER/widget.js" data-server="https://SERVER" async></script>
 *
 * Calls made before the script loaded are queued by the stub
 *   window.LiveSupport = window.LiveSupport || function () { (LiveSupport.q = LiveSupport.q || []).push(arguments) };
 * and replayed here.
 */
import { render } from 'preact';
import { io } from 'socket.io-client';
import type { PageContext } from '../../shared/protocol';
import { App, type WidgetSettings } from './app';
import { createChat, type KeyValue } from './chat';
import { chooseLocale, strings } from './i18n';
import css from './styles.css';

type Method = 'open' | 'close' | 'setVisitor' | 'setContext' | 'on';
type Api = ((method: Method, ...args: any[]) => void) & { q?: IArguments[]; loaded?: boolean } & Record<string, unknown>;

function boot() {
  const w = window as unknown as { LiveSupport?: Api };
  if (w.LiveSupport?.loaded) return; // included twice
  const script = (document.currentScript ?? document.querySelector('script[src*="widget.js"]')) as HTMLScriptElement | null;
  const data = script?.dataset ?? {};
  const server = (data.server || (script ? new URL(script.src).origin : location.origin)).replace(/\/$/, '');
  const locale = chooseLocale(data.lang, navigator.languages ?? [navigator.language]);
  const settings: WidgetSettings = {
    title: data.title,
    greeting: data.greeting,
    position: data.position === 'left' ? 'left' : 'right',
    accent: data.accent,
    sound: data.sound === 'on',
  };

  let storage: KeyValue;
  try {
    storage = window.localStorage;
    storage.getItem('x');
  } catch {
    const m = new Map<string, string>();
    storage = { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
  }
  const storageKey = `livesupport:${server}`;
  let hostContext: Record<string, string> = {};
  const context = (): PageContext => ({
    url: location.href.slice(0, 2000),
    title: document.title.slice(0, 300),
    referrer: document.referrer.slice(0, 2000),
    language: navigator.language,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    data: hostContext,
  });
  const chat = createChat({
    connect: (auth) => io(`${server}/visitor`, { auth, transports: ['websocket'] }),
    storage,
    storageKey,
    context,
  });
  // A conversation from an earlier page view: reconnect now so replies and the unread badge arrive.
  if (storage.getItem(`${storageKey}:token`)) chat.start();
  // Agents see whether the shopper is on the page, has it in the background, or left.
  const visibility = () => chat.presence(document.hidden ? 'hidden' : 'visible');
  visibility();
  document.addEventListener('visibilitychange', visibility);
  window.addEventListener('pagehide', () => chat.presence('gone'));
  window.addEventListener('pageshow', visibility);
  window.addEventListener('storage', (e) => {
    if (e.key === `${storageKey}:token` && e.newValue) chat.tokenChanged();
  });

  const listeners: Record<string, ((payload: unknown) => void)[]> = {};
  const emit = (event: string, payload: unknown) => listeners[event]?.forEach((fn) => fn(payload));
  chat.subscribe((_s, incoming) => incoming && emit('message', { text: incoming.text, author: incoming.authorName, at: incoming.at }));

  let setOpen: (open: boolean) => void = () => {};
  const methods: Record<Method, (...args: any[]) => void> = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    setVisitor: (p: { name?: string; email?: string }) => void chat.setProfile(p).catch(() => {}),
    setContext: (d: Record<string, unknown>) => {
      hostContext = Object.fromEntries(Object.entries(d).filter(([k]) => k).slice(0, 20).map(([k, v]) => [k.slice(0, 50), String(v).slice(0, 200)]));
      if (chat.state.connection === 'online') chat.sendContext();
    },
    on: (event: string, fn: (p: unknown) => void) => (listeners[event] ??= []).push(fn),
  };
  const api = ((method: Method, ...args: unknown[]) => methods[method]?.(...args)) as Api;
  Object.assign(api, methods, { loaded: true });
  const queued = w.LiveSupport?.q ?? [];
  w.LiveSupport = api;

  const host = document.createElement('live-support-widget');
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(settings.accent && /^#[0-9a-f]{3,8}$/i.test(settings.accent) ? `${css}:host{--ls-accent:${settings.accent}}` : css);
  root.adoptedStyleSheets = [sheet];
  document.body.appendChild(host);
  render(
    <App
      chat={chat}
      t={strings(locale)}
      locale={locale}
      settings={settings}
      bindOpen={(fn) => {
        setOpen = fn;
        for (const args of queued) api(...(Array.from(args) as [Method]));
      }}
      onOpenChange={(open) => emit(open ? 'open' : 'close', {})}
    />,
    root,
  );
}

if (document.body) boot();
else document.addEventListener('DOMContentLoaded', boot);
