/**
 * A real SMTP server in this process (the `smtp-server` package) on a free port, and the
 * server's real Mailer (nodemailer) pointed at it. Every mail received is parsed (mailparser),
 * so tests read recipient, subject and decoded body.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createSmtpMailer } from '../../server/mail/smtp';
import type { Mailer } from '../../server/domain/ports/mailer';

export interface ReceivedMail {
  /** Envelope recipients. */
  to: string[];
  subject: string;
  text: string;
  language: string | undefined;
  parsed: ParsedMail;
}

export interface TestSmtp {
  url: string;
  mailer: Mailer;
  received: ReceivedMail[];
  /** Resolves with the first mail (already received or still to come) to this address. */
  mailTo(address: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const waiting = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      simpleParser(stream).then(
        (parsed) => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            language: parsed.headers.get('content-language') as string | undefined,
            parsed,
          });
          waiting.forEach((w) => w());
          done();
        },
        (err: Error) => done(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const url = `smtp://127.0.0.1:${port}`;
  const mailer = createSmtpMailer({ url, from: 'Support <support@shop.example>' });
  return {
    url,
    mailer,
    received,
    mailTo(address, timeoutMs = 15_000) {
      const find = () => received.find((m) => m.to.includes(address));
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = find();
          if (!m) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`no mail to ${address} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    },
    async close() {
      mailer.close?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
