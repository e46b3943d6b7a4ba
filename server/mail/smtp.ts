/**
 * The Mailer port over SMTP with nodemailer. Built by main.ts only when SMTP_URL is set
 * (`smtp://user:pass@host:587`, `smtps://…:465`); without it the server sends no mail.
 */
import nodemailer from 'nodemailer';
import type { Mailer } from '../domain/ports/mailer';

export interface SmtpMailerOptions {
  /** nodemailer's connection URL, e.g. `smtp://user:pass@mail.example.com:587`. */
  url: string;
  /** The From address, e.g. `Support <support@example.com>`. */
  from: string;
}

/** Seconds to wait for the SMTP server at each step, so a dead server fails a request promptly. */
const TIMEOUT_MS = 10_000;

export function createSmtpMailer(opts: SmtpMailerOptions): Mailer & { close(): void } {
  const url = new URL(opts.url);
  url.searchParams.set('connectionTimeout', String(TIMEOUT_MS));
  url.searchParams.set('greetingTimeout', String(TIMEOUT_MS));
  url.searchParams.set('socketTimeout', String(TIMEOUT_MS * 2));
  const transport = nodemailer.createTransport(url.toString());
  return {
    async send(mail) {
      await transport.sendMail({
        from: opts.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        headers: { 'Content-Language': mail.language },
      });
    },
    close: () => transport.close(),
  };
}
