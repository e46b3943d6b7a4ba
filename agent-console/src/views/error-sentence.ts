/** A failed call as a sentence of the view's own strings (`errors[code]`, else `errors.other`), never a bare code. */
export function errorSentence<E extends { other: string }>(errors: E, e: unknown): string {
  const code = (e as { code?: string } | null)?.code ?? '';
  return code in errors ? String(errors[code as keyof E]) : errors.other;
}
