/** Fills `{visitor.name}`, `{agent.name}`, `{conversation.id}` in a canned reply or FAQ answer (the server stores them verbatim). */
export function fillVariables(body: string, vars: Record<string, string>): string {
  return body.replace(/\{(visitor\.name|agent\.name|conversation\.id)\}/g, (_m, k: string) => vars[k] ?? '');
}
