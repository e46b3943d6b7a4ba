/** The keyboard shortcuts, opened with "?" (outside a text field) or the Help button. */
import type { Strings } from '../i18n';
import { Dialog } from './dialog';

/** Keys as written on a keyboard, and what they do (a `Strings` key). */
const SHORTCUTS: [keys: string, what: keyof Strings][] = [
  ['Alt + ↓', 'keyNextChat'],
  ['Alt + ↑', 'keyPreviousChat'],
  ['Alt + W', 'keyWaitingChat'],
  ['Enter', 'keySend'],
  ['Shift + Enter', 'keyNewLine'],
  ['/', 'keyCanned'],
  ['↑ ↓ Enter', 'keyPickCanned'],
  ['Esc', 'keyEscape'],
  ['?', 'keyHelp'],
];

export function HelpDialog({ t, onDone }: { t: Strings; onDone(): void }) {
  return (
    <Dialog title={t.shortcuts} onCancel={onDone}>
      <table class="shortcuts">
        <thead>
          <tr>
            <th scope="col">{t.keyColumn}</th>
            <th scope="col">{t.actionColumn}</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <td><kbd>{keys}</kbd></td>
              <td>{t[what] as string}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="buttons">
        <button type="button" class="primary" onClick={onDone}>{t.closeWindow}</button>
      </div>
    </Dialog>
  );
}
