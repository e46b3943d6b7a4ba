/**
 * Message text with http(s) links made clickable, for the widget and the console alike.
 * Only http and https become links (opened with rel="noopener noreferrer"); everything
 * else, including any markup, stays a text node: message content is never HTML.
 */
const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}，。！？）]/gi;

export function Linked({ text }: { text: string }) {
  const parts: (string | preact.JSX.Element)[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    parts.push(text.slice(last, m.index));
    parts.push(
      <a href={m[0]} target="_blank" rel="noopener noreferrer">
        {m[0]}
      </a>,
    );
    last = m.index! + m[0].length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}
