/**
 * `ChatStore` over any `SqlClient` (PGlite or PostgreSQL): plain SQL, no ORM. This file only
 * composes the per-aggregate stores beside it; each owns its statements and row mapping.
 */
import { createConversationStore } from './conversations';
import { createDepartmentStore } from './departments';
import { createFollowUpStore } from './follow-ups';
import { createGroupCommit } from './group-commit';
import { createAnswerLookup, createLeftMessageStore } from './left-messages';
import { createMessageStore } from './messages';
import { migrate } from './migrations';
import { createRatingStore } from './ratings';
import { createUserStore } from './users';
import { createVisitorStore } from './visitors';
import { createWrapUpStore } from './wrap-ups';
import type { SqlChatStore, SqlClient } from './types';


export interface ChatStoreOptions {
  /** The database. Not closed by `close()`: whoever created it closes it. */
  sql: SqlClient;
  /** Most messages written by one group-commit statement. @default 500 */
  maxBatch?: number;
}

export function createChatStore(opts: ChatStoreOptions): SqlChatStore {
  const { sql } = opts;
  const groupCommit = createGroupCommit({ sql, maxBatch: opts.maxBatch });
  return {
    migrate: () => migrate(sql),
    ...createUserStore({ sql }),
    ...createVisitorStore({ sql }),
    ...createLeftMessageStore({ sql }),
    ...createAnswerLookup({ sql }),
    ...createRatingStore({ sql }),
    ...createConversationStore({ sql }),
    ...createMessageStore({ sql, groupCommit }),
    ...createWrapUpStore({ sql }),
    ...createFollowUpStore({ sql }),
    ...createDepartmentStore({ sql }),
    /** Stops accepting appends and waits for queued ones to be written. Leaves `sql` open. */
    close: () => groupCommit.close(),
  };
}
