/**
 * The e-mails the server sends, in the recipient's language (zh-CN or en): plain text, with
 * what the shopper wrote quoted as text; and the one way use cases send them.
 */
import type { Logger } from '../logger';
import type { Mailer, MailOutcome, OutgoingMail } from './ports/mailer';

export type MailLanguage = 'zh-CN' | 'en';

/** Chinese for any `zh…` tag, else English. */
export const mailLanguage = (tag: string | null | undefined): MailLanguage => (tag?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en');

const quote = (s: string) => s.split('\n').map((l) => `> ${l}`).join('\n');

/** To a shopper: the answer to the message they left, also shown the next time they open the chat. */
export function answerMail(a: { to: string; name: string; message: string; answer: string; agentName: string; page: string | null; language: MailLanguage }): OutgoingMail {
  const where = a.page ?? '';
  if (a.language === 'zh-CN') {
    return {
      to: a.to,
      language: a.language,
      subject: '您的留言已有回复',
      text: `${a.name}，您好：\n\n您的留言：\n${quote(a.message)}\n\n${a.agentName} 的回复：\n${a.answer}\n\n下次打开网站${where ? `（${where}）` : ''}上的在线客服窗口，也能看到这条回复，并可以继续咨询。\n`,
    };
  }
  return {
    to: a.to,
    language: a.language,
    subject: 'A reply to your message',
    text: `Hello ${a.name},\n\nYou wrote:\n${quote(a.message)}\n\n${a.agentName} replied:\n${a.answer}\n\nYou will also find this reply the next time you open the chat on our website${where ? ` (${where})` : ''}, and can continue the conversation there.\n`,
  };
}

/** To a new team member: the one-time link to set their password. */
export function invitationMail(i: { to: string; name: string; url: string; expiresAt: number; language: MailLanguage }): OutgoingMail {
  const until = new Date(i.expiresAt).toISOString().replace('T', ' ').slice(0, 16);
  if (i.language === 'zh-CN') {
    return {
      to: i.to,
      language: i.language,
      subject: '邀请您加入在线客服团队',
      text: `${i.name}，您好：\n\n您已被邀请加入在线客服团队。请打开下面的链接设置密码（有效期至 ${until} UTC，仅能使用一次）：\n\n${i.url}\n`,
    };
  }
  return {
    to: i.to,
    language: i.language,
    subject: 'You are invited to the support team',
    text: `Hello ${i.name},\n\nYou have been invited to the support team. Open this link to set your password (valid until ${until} UTC, once):\n\n${i.url}\n`,
  };
}

/** Sends a mail if a Mailer exists; a failure is logged and reported, never thrown. */
export async function trySend(mailer: Mailer | undefined, mail: OutgoingMail, log: Logger): Promise<MailOutcome> {
  if (!mailer) return 'off';
  try {
    await mailer.send(mail);
    return 'sent';
  } catch (err) {
    log.warn({ err }, 'mail not sent');
    return 'failed';
  }
}
