/** While queued: the estimated wait, the FAQ answer offered for the first question, and the leave-a-message offer after a long wait. */
import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { VisitorConversationState as State, VisitorMessage } from '../../shared/protocol';
import { Linked } from '../../shared/ui/linked';
import type { Chat, ChatState } from './chat';
import { fill, type Strings } from './i18n';

/** Said after the position: about N minutes, or honestly that nobody can tell yet. */
export const waitText = (c: State, t: Strings) =>
  ` ${c.estimatedWaitSec == null ? t.waitUnknown : fill(t.waitAbout, { n: Math.ceil(c.estimatedWaitSec / 60) })}`;

/** A `faq_offered` event: the answer, with its two buttons while the chat waits and the offer is unanswered. */
export function FaqOffer({ m, s, chat, t }: { m: VisitorMessage; s: ChatState; chat: Chat; t: Strings }) {
  const e = m.event as { question: string; answer: string };
  // A failed call leaves the buttons: the shopper may press again.
  const answer = (solved: boolean) => void chat.call('faq:feedback', { conversationId: m.conversationId, solved }).catch(() => {});
  return (
    <div class="ls-msg ls-them">
      <span class="ls-who">{t.faqHelp}</span>
      <b>{e.question}</b>
      <Linked text={e.answer} />
      {s.conversation?.status === 'queued' && !s.messages.some((x) => x.event?.type === 'faq_declined') && (
        <span>
          <button class="ls-send" onClick={() => answer(true)}>
            {t.faqSolved}
          </button>
          <button class="ls-link" onClick={() => answer(false)}>
            {t.faqPerson}
          </button>
        </span>
      )}
    </div>
  );
}

type FormProps = { chat: Chat; t: Strings; notice: string; setNotice(s: string): void };

/** Past the team's wait limit: the leave-a-message form, under the chat, which keeps its place until the form is sent. */
export function LongWait({ c, chat, t, Form }: { c: State | null; chat: Chat; t: Strings; Form: (p: FormProps) => JSX.Element }) {
  const [notice, setNotice] = useState('');
  // Once sent the chat closes, and the thanks stay.
  return c?.longWait || notice === t.leftMessage ? <Form chat={chat} t={{ ...t, offlineTitle: t.longWait }} notice={notice} setNotice={setNotice} /> : null;
}
