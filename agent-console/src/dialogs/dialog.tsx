/** A modal dialog: focus moves to its first control, Escape cancels. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export function Dialog({ title, children, onCancel }: { title: string; children: ComponentChildren; onCancel(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('select, input, textarea, button')?.focus();
  }, []);
  return (
    <div class="overlay" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div ref={ref} class="dialog" role="dialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}
