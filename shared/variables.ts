/**
 * Fills `{visitor.name}`, `{agent.name}`, `{conversation.id}` in a canned reply or FAQ answer
 * (the server stores them verbatim). A shopper who gave no name is addressed in the reply's own
 * language ("Hi there", "您好，亲"), never with a gap ("Hi , this is Ana").
 */
export const VARIABLES = ['visitor.name', 'agent.name', 'conversation.id'] as const;
export type Variables = Record<(typeof VARIABLES)[number], string>;

const HAN = /\p{Script=Han}/u;

/** How to address an anonymous shopper in a text of this language (guessed from its script). */
export const anonymousName = (body: string) => (HAN.test(body) ? '亲' : 'there');

export function fillVariables(body: string, vars: Partial<Variables>): string {
  return body.replace(/\{(visitor\.name|agent\.name|conversation\.id)\}/g, (_m, k: keyof Variables) => {
    const v = vars[k]?.trim();
    if (v) return v;
    return k === 'visitor.name' ? anonymousName(body) : '';
  });
}
