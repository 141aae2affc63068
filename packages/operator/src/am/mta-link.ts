import { postToPeer } from '../federation/client.ts';
import type { PeerConfig } from '../federation/directory.ts';
import { type LinkResult, linkResultOfPeer, stringField } from '../federation/link.ts';
import { MTA_TRANSACTIONS_PATH, type MtaInbound, mtaCustomerRecordPath } from '../mta/inbound.ts';
import type { RecordStatus } from '../mta/model.ts';
import { MTA_CALL_TIMEOUT_MS } from './model.ts';

/** The AM's way to the merchants' MTAs: the same calls as `MtaInbound`, addressed by operator. */
export interface MtaLink {
  registerTransaction(
    mtaOperatorId: string,
    amendedInitiation: string,
  ): Promise<LinkResult<{ readonly mtaAck: string }>>;
  submitCustomerRecord(
    mtaOperatorId: string,
    transactionId: string,
    record: string,
  ): Promise<LinkResult<{ readonly status: RecordStatus }>>;
}

export interface MtaLinkDeps {
  readonly selfId: string;
  readonly peer: (operatorId: string) => PeerConfig | undefined;
  /** This node's own MTA, called in-process (never HTTP to ourselves). A getter: AM and MTA are wired in a cycle. */
  readonly local: () => MtaInbound;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export function createMtaLink(deps: MtaLinkDeps): MtaLink {
  const post = async <T>(
    operatorId: string,
    path: string,
    body: unknown,
    read: (answer: Record<string, unknown>) => T | undefined,
  ): Promise<LinkResult<T>> => {
    const peer = deps.peer(operatorId);
    if (!peer)
      return {
        ok: false,
        status: 0,
        code: 'peer_unknown',
        message: `${operatorId} is not a configured peer`,
      };
    const options = {
      timeoutMs: deps.timeoutMs ?? MTA_CALL_TIMEOUT_MS,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    };
    return linkResultOfPeer(peer.id, await postToPeer(peer, path, body, options), read);
  };
  return {
    registerTransaction(mtaOperatorId, amendedInitiation) {
      if (mtaOperatorId === deps.selfId) return deps.local().registerTransaction(amendedInitiation);
      return post(mtaOperatorId, MTA_TRANSACTIONS_PATH, { amendedInitiation }, (answer) => {
        const mtaAck = stringField(answer, 'mtaAck');
        return mtaAck === undefined ? undefined : { mtaAck };
      });
    },
    submitCustomerRecord(mtaOperatorId, transactionId, record) {
      if (mtaOperatorId === deps.selfId) return deps.local().submitCustomerRecord(transactionId, record);
      return post(mtaOperatorId, mtaCustomerRecordPath(transactionId), { record }, (answer) =>
        answer.status === 'recorded' || answer.status === 'cleared' ? { status: answer.status } : undefined,
      );
    },
  };
}
