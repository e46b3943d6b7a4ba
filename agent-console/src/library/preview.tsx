/** A text with its variables filled in, as a shopper with a name and one without would read it. */
import { fillVariables } from '../composer/variables';
import { fill } from '../i18n';
import type { LibraryStrings } from './strings';

export function VariablePreview({ s, body, agentName }: { s: LibraryStrings; body: string; agentName: string }) {
  if (!body.trim()) return null;
  const vars = { 'agent.name': agentName, 'conversation.id': s.sampleConversation };
  return (
    <section class="preview" aria-label={s.preview}>
      <h4>{s.preview}</h4>
      <p class="label">{fill(s.previewNamed, { name: s.sampleName })}</p>
      <p class="sample">{fillVariables(body, { ...vars, 'visitor.name': s.sampleName })}</p>
      <p class="label">{s.previewAnonymous}</p>
      <p class="sample">{fillVariables(body, { ...vars, 'visitor.name': '' })}</p>
    </section>
  );
}
