/**
 * The page bench/floor-update.ts loads in Chromium: the real floor view on a stand-in session
 * that answers `floor:watch` with a given state and delivers pushes on request. Not part of the
 * console bundle (nothing imports it); built by the bench.
 *
 * `window.__floorBench.push(push)` times one push: `updateMs` until the view has applied it and
 * committed its DOM (a MessageChannel task queued after the push runs after Preact's render),
 * `paintMs` until the frame that shows it has been laid out and painted (requestAnimationFrame,
 * then a MessageChannel task posted from it).
 */
import { render } from 'preact';
import type { AgentSelf, FloorState } from '../../../shared/protocol';
import { en } from '../locales/en';
import type { ConsoleSession } from '../state/session';
import { FloorView } from './floor-view';
import type { FloorPush } from './model';

declare global {
  interface Window {
    __floorBench: { start(state: FloorState): Promise<void>; push(p: FloorPush): Promise<{ updateMs: number; paintMs: number }> };
  }
}

const listeners = new Map<string, Set<(data: unknown) => void>>();
let state: FloorState;
const session = {
  state: { connection: 'online', me: null, chats: {}, refused: null },
  subscribe: () => () => undefined,
  on(event: string, fn: (data: unknown) => void) {
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event)!.add(fn);
    return () => void listeners.get(event)!.delete(fn);
  },
  async call(event: string) {
    return event === 'floor:watch' ? { ok: true, data: state } : { ok: true, data: {} };
  },
} as unknown as ConsoleSession;

const task = () => new Promise<void>((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
});

const me: AgentSelf = { id: 'lead', name: 'Lena', email: 'lena@example.test', role: 'lead', status: 'offline', capacity: 2, load: 0 };

window.__floorBench = {
  async start(s) {
    state = s;
    render(<FloorView t={en} locale="en" api={null as never} session={session} me={me} openChat={() => undefined} replaceToken={() => undefined} />, document.getElementById('app')!);
    while (!document.querySelector('#floor-agents')) await new Promise((r) => setTimeout(r, 10));
  },
  async push(p) {
    const t0 = performance.now();
    listeners.get(p.event)?.forEach((fn) => fn(p.data));
    await task();
    const updateMs = performance.now() - t0;
    await new Promise<void>((resolve) => requestAnimationFrame(() => void task().then(resolve)));
    return { updateMs, paintMs: performance.now() - t0 };
  },
};
