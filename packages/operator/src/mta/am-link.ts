import { AM_CLEARING_PATH, type AmInbound, type ClearingReceipt } from '../am/inbound.ts';
import { postToPeer } from '../federation/client.ts';
import type { PeerConfig } from '../federation/directory.ts';
import { type LinkResult, linkResultOfPeer, stringField } from '../federation/link.ts';
import { DELIVERY_TIMEOUT_MS } from './model.ts';

/** The MTA's way to the customers' AMs. */
export interface AmLink {
  deliverClearing(amOperatorId: string, clearing: string): Promise<LinkResult<ClearingReceipt>>;
}

export interface AmLinkDeps {
  readonly selfId: string;
  readonly peer: (operatorId: string) => PeerConfig | undefined;
  /** This node's own AM, called in-process (never HTTP to ourselves). A getter: AM and MTA are wired in a cycle. */
  readonly local: () => AmInbound;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export function createAmLink(deps: AmLinkDeps): AmLink {
  return {
    async deliverClearing(amOperatorId, clearing) {
      if (amOperatorId === deps.selfId) return deps.local().applyClearing(clearing);
      const peer = deps.peer(amOperatorId);
      if (!peer) {
        return {
          ok: false,
          status: 0,
          code: 'peer_unknown',
          message: `${amOperatorId} is not a configured peer`,
        };
      }
      const result = await postToPeer(
        peer,
        AM_CLEARING_PATH,
        { clearing },
        {
          timeoutMs: deps.timeoutMs ?? DELIVERY_TIMEOUT_MS,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        },
      );
      return linkResultOfPeer(peer.id, result, (body) => {
        const transactionId = stringField(body, 'transactionId');
        return transactionId !== undefined && body.status === 'applied'
          ? { transactionId, status: 'applied' as const }
          : undefined;
      });
    },
  };
}
