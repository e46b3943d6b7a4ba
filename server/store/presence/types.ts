/** The pool's types are the domain's port (server/domain/ports/presence.ts); re-exported for the implementations. */
export type * from '../../domain/ports/presence';
