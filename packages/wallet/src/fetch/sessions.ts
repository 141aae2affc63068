import type { TallyOffer } from '@tallystick/protocol';
import type { TerminateHook } from '../session/model.ts';
import type { TradingSession } from '../session/trading-session.ts';
import type { Wallet } from '../wallet.ts';

export interface SessionPool {
  /** The session for an offer, opened once (concurrent callers share the opening). */
  get(offer: TallyOffer): Promise<TradingSession>;
  /** Runs `work` alone on the session: vouchers are ordered, one in flight per session. */
  exclusive<T>(session: TradingSession, work: () => Promise<T>): Promise<T>;
  all(): Promise<TradingSession[]>;
}

/**
 * One trading session per merchant, operator, offer, currency and scheme
 * (and unit price, for hash chains). Sessions roll over to new transactions
 * by themselves when a deposit is used up.
 */
export function createSessionPool(
  wallet: Wallet,
  settings: {
    depositMinor: bigint;
    timeoutSeconds: number;
    hashChainLength: number;
    onTerminate?: TerminateHook;
  },
): SessionPool {
  const sessions = new Map<string, Promise<TradingSession>>();
  const locks = new WeakMap<TradingSession, Promise<unknown>>();
  return {
    get(offer) {
      const key = [
        offer.operatorId,
        offer.merchantId,
        offer.offerId,
        offer.currency,
        offer.scheme,
        offer.unitPriceMinor ?? '',
      ].join('|');
      let session = sessions.get(key);
      if (!session) {
        session = wallet.openSession(
          {
            merchantId: offer.merchantId,
            merchantOperatorId: offer.operatorId,
            offerId: offer.offerId,
            currency: offer.currency,
          },
          {
            depositMinor: settings.depositMinor,
            timeoutSeconds: settings.timeoutSeconds,
            ...(settings.onTerminate ? { onTerminate: settings.onTerminate } : {}),
            ...(offer.scheme === 'tally-payword' && offer.unitPriceMinor !== undefined
              ? { hashChain: { unitPriceMinor: offer.unitPriceMinor, lengthMax: settings.hashChainLength } }
              : {}),
          },
        );
        session.catch(() => sessions.delete(key));
        sessions.set(key, session);
      }
      return session;
    },
    exclusive(session, work) {
      const before = locks.get(session) ?? Promise.resolve();
      const run = before.then(work, work);
      locks.set(
        session,
        run.catch(() => undefined),
      );
      return run;
    },
    async all() {
      const settled = await Promise.allSettled(sessions.values());
      return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    },
  };
}
