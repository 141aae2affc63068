import { interopAccountId } from '../mta/model.ts';
import type { SettlementContext } from './deps.ts';
import { type ReconciliationLine, settlementAccountId } from './model.ts';
import { interopPairs, positionSums } from './store.ts';

/**
 * Per peer and currency: does the interop account equal the clearings not
 * yet settled, and the settlement account the batches settled? After a
 * complete run every `differenceMinor` is zero.
 */
export async function reconcile(ctx: SettlementContext): Promise<ReconciliationLine[]> {
  const lines: ReconciliationLine[] = [];
  for (const { peer, currency } of await interopPairs(ctx.db.kysely, ctx.operatorId)) {
    const interopId = interopAccountId(ctx.operatorId, peer, currency);
    const settlementId = settlementAccountId(ctx.operatorId, peer, currency);
    const accounts = await ctx.ledger.lookupAccounts([interopId, settlementId]);
    const net = (id: string) => {
      const account = accounts.find((a) => a?.id === id);
      return account ? account.debitsPostedMinor - account.creditsPostedMinor : 0n;
    };
    const sums = await positionSums(ctx.db.kysely, peer, currency);
    const interopNetMinor = net(interopId);
    const settlementAccountNetMinor = net(settlementId);
    lines.push({
      peerOperatorId: peer,
      currency,
      interopNetMinor,
      unbatchedNetMinor: sums.unbatched,
      inFlightNetMinor: sums.inFlight,
      settledNetMinor: sums.settled,
      settlementAccountNetMinor,
      differenceMinor: interopNetMinor - (sums.unbatched + sums.inFlight),
      settlementDifferenceMinor: settlementAccountNetMinor - sums.settled,
    });
  }
  return lines;
}
