/** A one-time link shown once, to copy and pass on (and a note when the server also e-mailed it). */
import { useState } from 'preact/hooks';
import type { InvitationLink } from '../../../shared/rest';
import { fill, type Locale } from '../i18n';
import type { TeamStrings } from './strings';

export function LinkBox({ s, locale, title, link }: { s: TeamStrings; locale: Locale; title: string; link: InvitationLink }) {
  const [copied, setCopied] = useState(false);
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(link.expiresAt);
  return (
    <section class="linkbox" role="status" aria-label={title}>
      <h3>{title}</h3>
      <p>{fill(s.linkHint, { time })}{link.emailed ? ` ${s.linkEmailed}` : ''}</p>
      <div class="row">
        <input readOnly value={link.url} aria-label={s.link} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          onClick={() =>
            navigator.clipboard?.writeText(link.url).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {s.copy}
        </button>
      </div>
      {copied && <p>{s.copied}</p>}
    </section>
  );
}
