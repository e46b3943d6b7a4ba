/**
 * The e-mails the server sends, in the recipient's language (zh-CN or en): plain text, with
 * what the shopper wrote quoted as text; and the one way use cases send them.
 */
import type { Logger } from '../logger';
import type { LinkMailer } from './ports/link-mailer';
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

/** To a team member: the one-time link to set their password (an invitation, or a reset a lead asked for). */
export function invitationMail(i: { to: string; name: string; url: string; purpose: 'invite' | 'reset'; expiresAt: number; language: MailLanguage }): OutgoingMail {
  const until = new Date(i.expiresAt).toISOString().replace('T', ' ').slice(0, 16);
  const invite = i.purpose === 'invite';
  if (i.language === 'zh-CN') {
    return {
      to: i.to,
      language: i.language,
      subject: invite ? '邀请您加入在线客服团队' : '重设您的在线客服密码',
      text: `${i.name}，您好：\n\n${invite ? '您已被邀请加入在线客服团队。' : '团队负责人为您发起了密码重设。'}请打开下面的链接设置密码（有效期至 ${until} UTC，仅能使用一次）：\n\n${i.url}\n`,
    };
  }
  return {
    to: i.to,
    language: i.language,
    subject: invite ? 'You are invited to the support team' : 'Reset your support console password',
    text: `Hello ${i.name},\n\n${invite ? 'You have been invited to the support team.' : 'A team lead has reset your password.'} Open this link to set your password (valid until ${until} UTC, once):\n\n${i.url}\n`,
  };
}

/**
 * The team's LinkMailer on a Mailer: the link as a URL (`linkUrl(token)`), in the first language
 * of the user's the team set (Chinese for a `zh…` tag, else English).
 */
export function linkMailer(mailer: Mailer, linkUrl: (token: string) => string, logger: Logger): LinkMailer {
  const log = logger.child({ module: 'mail' });
  return {
    async send(user, link) {
      const mail = invitationMail({
        to: user.email,
        name: user.displayName,
        url: linkUrl(link.token),
        purpose: link.purpose,
        expiresAt: link.expiresAt,
        language: mailLanguage(user.languages[0]),
      });
      return (await trySend(mailer, mail, log)) === 'sent';
    },
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
