import { signMessage } from '@tallystick/protocol';
import type { Kysely } from 'kysely';
import type { Schema } from '../../db/schema.ts';
import { postToPeer } from '../../federation/client.ts';
import type { OperatorDirectory } from '../../federation/directory.ts';
import { backoffMs } from '../../webhooks/outbox-dispatcher.ts';
import type { CrossDeps } from './deps.ts';
import {
  type AnswerRelayBody,
  RELAY_ATTEMPTS_MAX,
  RELAYS_PER_ROUND_MAX,
  RTP_ANSWER_MESSAGE_TYPE,
  RTP_ANSWER_PATH,
} from './model.ts';

/**
 * Customer's operator: the answer to the merchant's operator, signed by this
 * operator, written in the same transaction as the customer's debit (a
 * transactional outbox), so the merchant side is told exactly what was booked
 * here, however often the call has to be retried.
 */
export async function enqueueAnswerRelay(
  trx: Kysely<Schema>,
  deps: { cross: CrossDeps; operatorId: string },
  peerId: string,
  body: AnswerRelayBody,
  now: Date,
): Promise<string> {
  const jws = await signMessage(deps.cross.key, {
    mty: RTP_ANSWER_MESSAGE_TYPE,
    iss: deps.operatorId,
    aud: peerId,
    txn: body.requestId,
    nowMs: now.getTime(),
    body,
  });
  const id = `${body.requestId}.answer`;
  await trx
    .insertInto('rtp_peer_outbox')
    .values({ id, peer_operator_id: peerId, path: RTP_ANSWER_PATH, jws, next_attempt_at: now })
    .execute();
  return id;
}

export interface RelayDispatcher {
  /** Delivers what is due (or just `only`); returns how many were delivered. */
  deliverDue(limit?: number, only?: string): Promise<number>;
}

export function createRelayDispatcher(deps: {
  readonly db: Kysely<Schema>;
  readonly directory: OperatorDirectory;
  readonly clock: () => Date;
  readonly fetch?: typeof fetch;
  readonly log?: { warn(obj: object, msg: string): void };
  /** Called instead of marking the row failed when the peer refused it for good (it booked nothing). */
  readonly onRefused?: (outboxId: string, lastError: string) => Promise<void>;
}): RelayDispatcher {
  return {
    async deliverDue(limit = RELAYS_PER_ROUND_MAX, only) {
      let query = deps.db
        .selectFrom('rtp_peer_outbox')
        .selectAll()
        .where('delivered_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', deps.clock())
        .orderBy('next_attempt_at')
        .limit(limit);
      if (only !== undefined) query = query.where('id', '=', only);
      let delivered = 0;
      for (const row of await query.execute()) {
        const peer = deps.directory.peer(row.peer_operator_id);
        const result = peer
          ? await postToPeer(peer, row.path, { jws: row.jws }, deps.fetch ? { fetch: deps.fetch } : {})
          : ({ ok: false, status: 0, code: 'peer_unknown', message: row.peer_operator_id } as const);
        const now = deps.clock();
        const attempts = row.attempts + 1;
        if (result.ok) {
          delivered++;
          await deps.db
            .updateTable('rtp_peer_outbox')
            .set({ attempts, delivered_at: now, last_error: null })
            .where('id', '=', row.id)
            .execute();
          continue;
        }
        // A 404 may be a forward still being stored there; other 4xx will not change by retrying.
        const permanent = result.status >= 400 && result.status < 500 && result.status !== 404;
        const failed = permanent || attempts >= RELAY_ATTEMPTS_MAX;
        const lastError = `${result.status} ${result.code}`.slice(0, 200);
        if (failed) deps.log?.warn({ relay: row.id, code: result.code }, 'answer relay given up');
        if (permanent && deps.onRefused) {
          await deps.db.updateTable('rtp_peer_outbox').set({ attempts }).where('id', '=', row.id).execute();
          await deps.onRefused(row.id, lastError);
          continue;
        }
        await deps.db
          .updateTable('rtp_peer_outbox')
          .set({
            attempts,
            last_error: lastError,
            next_attempt_at: new Date(now.getTime() + backoffMs(attempts)),
            ...(failed ? { failed_at: now } : {}),
          })
          .where('id', '=', row.id)
          .execute();
      }
      return delivered;
    },
  };
}
