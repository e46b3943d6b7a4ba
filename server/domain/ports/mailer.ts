/**
 * Outgoing e-mail (server/mail/smtp.ts implements it with nodemailer when SMTP_URL is set;
 * without it no Mailer exists and nothing is mailed). Plain text only: what we send is text.
 */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** The language of the text (`zh-CN`, `en`), sent as Content-Language. */
  language: string;
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the mail; rejects when it did not. */
  send(mail: OutgoingMail): Promise<void>;
}

/** What happened to a mail a use case tried to send: `off` when no SMTP server is configured. */
export type MailOutcome = 'sent' | 'failed' | 'off';
