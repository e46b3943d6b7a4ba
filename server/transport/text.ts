/**
 * The zod pieces every inbound string and record is built from, socket payloads and REST
 * bodies and queries alike (docs/protocol.md §3.3).
 *
 * A string may hold any Unicode text except:
 * - NUL, which PostgreSQL cannot store (a `text` or `jsonb` value with it is an error);
 * - the other control characters (Unicode category Cc: C0 except tab, line feed and carriage
 *   return, DEL, and C1), which no one types and which JSON escapes to 6 bytes each, so a
 *   message of a valid length could exceed the frame limit (§2.6);
 * - surrogates that are not part of a pair, which are not Unicode text (UTF-8 cannot encode
 *   them, `jsonb` refuses them, and JSON escapes them to 6 bytes too).
 * With these refused, a string of n UTF-16 code units is at most 3n bytes of JSON (a BMP
 * character is at most 3 bytes of UTF-8, a pair 4 bytes for 2 units, `"` and `\` escape to 2),
 * which the frame limit (4n + 1024) allows for.
 */
import { z } from 'zod';

/** Cc except \t \n \r, and any surrogate the `u` flag sees alone (a pair is one code point). */
const DISALLOWED = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\p{Cs}]/u;

/** The first character a text field may not hold, or undefined when there is none. */
export function disallowedChar(s: string): { index: number; codePoint: string } | undefined {
  const m = DISALLOWED.exec(s);
  if (!m) return undefined;
  return { index: m.index, codePoint: `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` };
}

function describe(input: unknown): string {
  const bad = typeof input === 'string' ? disallowedChar(input) : undefined;
  const which = bad ? `${bad.codePoint} at index ${bad.index}` : 'a character that is not allowed';
  return `Contains ${which}: NUL, control characters other than tab and line breaks, and unpaired surrogates are not allowed`;
}

export interface TextOptions {
  /** Surrounding white space dropped before the length checks. @default false */
  trim?: boolean;
  /** Least length (after trimming). @default 0 */
  min?: number;
}

/**
 * A string of at most `max` UTF-16 code units that holds only storable, printable text
 * (see above). Chain further checks (`.email()`, `.regex()`) on the result.
 */
export function text(max: number, o: TextOptions = {}): z.ZodString {
  // Checked before trimming, so the index in the message is the one in what was sent.
  let s = z.string().refine((v) => !DISALLOWED.test(v), { error: (issue) => describe(issue.input) });
  if (o.trim) s = s.trim();
  if (o.min) s = s.min(o.min);
  return s.max(max);
}

/** Keys that name or reach an object's prototype; JSON.parse makes them own keys, which zod's record would drop or keep. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * `z.record(key, value)` that refuses the keys `__proto__`, `constructor` and `prototype`.
 * The check reads the raw object: z.record skips an own `__proto__` key without a word, so a
 * refinement of its output could not see it.
 */
export function record<K extends z.core.$ZodRecordKey, V extends z.core.SomeType>(key: K, value: V) {
  return z
    .unknown()
    .superRefine((raw, ctx) => {
      if (typeof raw !== 'object' || raw === null) return;
      const reserved = Object.getOwnPropertyNames(raw).find((k) => RESERVED_KEYS.has(k));
      if (reserved !== undefined) ctx.addIssue({ code: 'custom', path: [reserved], message: `The key "${reserved}" is not allowed` });
    })
    .pipe(z.record(key, value));
}
