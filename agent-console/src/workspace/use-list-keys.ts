/** Alt+↓ / Alt+↑ move through the chat list; Alt+W jumps to the conversation waiting longest. */
import { useEffect } from 'preact/hooks';
import { waitingSince, type Chat } from '../state/chats';

export function useListKeys(list: Chat[], activeId: string | null, select: (id: string) => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || !list.length) return;
      const i = list.findIndex((c) => c.view.id === activeId);
      if (e.key === 'ArrowDown') select(list[(i + 1) % list.length].view.id);
      else if (e.key === 'ArrowUp') select(list[(i - 1 + list.length) % list.length].view.id);
      else if (e.key.toLowerCase() === 'w') {
        const waiting = list.find((c) => waitingSince(c) !== null);
        if (waiting) select(waiting.view.id);
      } else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [list, activeId]);
}
