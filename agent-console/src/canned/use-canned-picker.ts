/** "/" at the start of the composer opens the canned-reply picker, filtered as one types. */
import { useEffect, useState } from 'preact/hooks';
import type { Api, CannedReplyView } from '../api';

export interface CannedPicker {
  /** The replies matching what follows "/", or null while the picker is closed. */
  replies: CannedReplyView[] | null;
  pick: number;
  choose(reply: CannedReplyView): void;
  /** Arrow keys, Enter and Escape while the picker shows replies; true when the key was taken. */
  onKey(e: KeyboardEvent): boolean;
}

export function useCannedPicker(api: Api, text: string, onChoose: (body: string) => void): CannedPicker {
  const [replies, setReplies] = useState<CannedReplyView[] | null>(null);
  const [pick, setPick] = useState(0);

  useEffect(() => {
    if (!text.startsWith('/')) return setReplies(null);
    let stale = false;
    api.cannedReplies(text.slice(1)).then(
      (r) => {
        if (!stale) {
          setReplies(r.replies);
          setPick(0);
        }
      },
      () => !stale && setReplies([]),
    );
    // A slower answer to an earlier keystroke must not replace a newer one.
    return () => {
      stale = true;
    };
  }, [text]);

  const choose = (reply: CannedReplyView) => {
    setReplies(null);
    onChoose(reply.body);
  };
  const onKey = (e: KeyboardEvent) => {
    if (!replies?.length) return false;
    if (e.key === 'ArrowDown') setPick((pick + 1) % replies.length);
    else if (e.key === 'ArrowUp') setPick((pick - 1 + replies.length) % replies.length);
    else if (e.key === 'Enter') choose(replies[pick]);
    else if (e.key === 'Escape') setReplies(null);
    else return false;
    e.preventDefault();
    return true;
  };
  return { replies, pick, choose, onKey };
}
