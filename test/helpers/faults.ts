/**
 * Fault injection at a named step: wraps a port (the presence pool, a store) so that the
 * next call of a method rejects once, as if its backend failed right there. Everything
 * else goes through to the real implementation.
 */
export type Faulty<T extends object> = T & {
  /** The next call of `method` rejects with "injected failure: <method>". */
  failNext(method: keyof T & string): void;
};

export function faulty<T extends object>(target: T): Faulty<T> {
  const failing = new Set<string>();
  const failNext = (method: string) => void failing.add(method);
  return new Proxy(target, {
    get(t, name) {
      if (name === 'failNext') return failNext;
      const value: unknown = Reflect.get(t, name);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return (...args: unknown[]) => {
        if (failing.delete(name)) return Promise.reject(new Error(`injected failure: ${name}`));
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  }) as Faulty<T>;
}
