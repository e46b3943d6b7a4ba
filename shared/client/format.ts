/** Text formatting both clients share. Message text stays text: nothing here makes HTML. */

/** Fills `{name}` placeholders of a localised string; unknown ones stay as written. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

/** Hours and minutes of a message, in the reader's locale. */
export const clockTime = (locale: string) => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });

/**
 * An http(s) URL in message text, captured; trailing punctuation (ASCII and full-width)
 * stays out of it. Nothing else becomes a link.
 */
const URL_RE = /(\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}，。！？）])/i;

/** Text split around its links: plain text at even indices, URLs at odd ones. */
export const linkParts = (text: string): string[] => text.split(URL_RE);
