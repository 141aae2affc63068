import type { ReplayGuard } from '@tallystick/protocol';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

export interface DatabaseReplayGuard extends ReplayGuard {
  /** Forgets ids whose freshness window has passed; returns how many. */
  purgeExpired(): Promise<number>;
}

/**
 * Message ids in the database, not in memory: every node process sharing it
 * refuses a replay, and a restart does not forget. An id may be reused only
 * after its window expired (by then `verifyMessage` refuses it as stale anyway).
 */
export function createDatabaseReplayGuard(db: Kysely<Schema>, clock: () => Date): DatabaseReplayGuard {
  return {
    async remember(issuer, messageId, expiresAtMs) {
      const inserted = await db
        .insertInto('jws_replay')
        .values({ issuer, jti: messageId, expires_at: new Date(expiresAtMs) })
        .onConflict((conflict) =>
          conflict
            .columns(['issuer', 'jti'])
            .doUpdateSet({ expires_at: (eb) => eb.ref('excluded.expires_at') })
            .where('jws_replay.expires_at', '<=', clock()),
        )
        .returning('jti')
        .executeTakeFirst();
      return inserted !== undefined;
    },
    async purgeExpired() {
      const result = await db.deleteFrom('jws_replay').where('expires_at', '<=', clock()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
