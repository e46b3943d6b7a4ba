/**
 * Message text with http(s) links made clickable, for the widget and the console alike.
 * Only http and https become links (opened with rel="noopener noreferrer"); everything
 * else, including any markup, stays a text node: message content is never HTML.
 */
import { linkParts } from '../client/format';

export const Linked = ({ text }: { text: string }) => (
  <>
    {linkParts(text).map((part, i) =>
      i % 2 ? (
        <a href={part} target="_blank" rel="noopener noreferrer">
          {part}
        </a>
      ) : (
        part
      ),
    )}
  </>
);
