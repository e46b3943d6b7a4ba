/**
 * The floor, live: `floor:watch` for the state, then the pushes applied as they come (those that
 * arrive before the state are kept and applied after it). Watched again after a reconnect;
 * unwatched when the view goes.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleSession } from '../state/session';
import { applyPush, floorModel, type FloorModel, type FloorPush } from './model';

export function useFloor(session: ConsoleSession): FloorModel | null {
  const [model, setModel] = useState<FloorModel | null>(null);
  useEffect(() => {
    let current: FloorModel | null = null;
    let early: FloorPush[] = [];
    const apply = (p: FloorPush) => {
      if (!current) return void early.push(p);
      const next = applyPush(current, p);
      if (next !== current) setModel((current = next));
    };
    const offs = [
      session.on('agent:changed', (data) => apply({ event: 'agent:changed', data })),
      session.on('queue:changed', (data) => apply({ event: 'queue:changed', data })),
      session.on('floor:conversation', (data) => apply({ event: 'floor:conversation', data })),
      session.on('floor:activity', (data) => apply({ event: 'floor:activity', data })),
      session.on('floor:figures', (data) => apply({ event: 'floor:figures', data })),
      session.on('conversation:presence', (data) => apply({ event: 'conversation:presence', data })),
    ];
    let stopped = false;
    async function load() {
      current = null;
      early = [];
      const r = await session.call('floor:watch', {}).catch(() => null);
      if (stopped || !r?.ok) return;
      let m = floorModel(r.data, Date.now());
      for (const p of early) m = applyPush(m, p);
      early = [];
      setModel((current = m));
    }
    void load();
    let online = session.state.connection === 'online';
    const offState = session.subscribe((s) => {
      if (s.connection === 'online' && !online) void load();
      online = s.connection === 'online';
    });
    return () => {
      stopped = true;
      offs.forEach((off) => off());
      offState();
      void session.call('floor:unwatch', {}).catch(() => undefined);
    };
  }, [session]);
  return model;
}

/** The current time, moved on every `ms` (waiting times grow without any event). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(tick);
  }, [ms]);
  return now;
}

const THRESHOLD_KEY = 'livesupport:floor:threshold';

/** The waiting time (seconds) over which a visitor stands out: a setting of this browser, 60 s by default. */
export function useThreshold(): [number, (seconds: number) => void] {
  const [seconds, setSeconds] = useState(() => {
    try {
      const n = Number(localStorage.getItem(THRESHOLD_KEY));
      return n > 0 ? n : 60;
    } catch {
      return 60;
    }
  });
  return [
    seconds,
    (n) => {
      if (!(n > 0)) return;
      setSeconds(n);
      try {
        localStorage.setItem(THRESHOLD_KEY, String(n));
      } catch {
        // private mode: the setting lasts for this page only
      }
    },
  ];
}
