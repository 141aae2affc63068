import type { MerchantSession } from '../session/model.ts';
import type { MerchantStore } from './store.ts';

/**
 * A process-local store for tests, demos and single-process merchants. Each
 * method reads and writes synchronously between awaits, so the
 * compare-and-swap is atomic under JavaScript's run-to-completion.
 *
 * @example
 * const merchant = createMerchant({ ...config, store: createMemoryMerchantStore() });
 */
export function createMemoryMerchantStore(): MerchantStore {
  const sessions = new Map<string, MerchantSession>();
  const vouchers = new Map<string, Parameters<MerchantStore['acceptVoucher']>[2][]>();
  const update = (id: string, change: (s: MerchantSession) => MerchantSession | undefined) => {
    const session = sessions.get(id);
    const next = session && change(session);
    if (next) sessions.set(id, Object.freeze(next));
    return sessions.get(id);
  };

  return {
    async insertSession(session) {
      const existing = sessions.get(session.transactionId);
      if (existing) return { created: false, session: existing };
      sessions.set(session.transactionId, Object.freeze({ ...session }));
      vouchers.set(session.transactionId, []);
      return { created: true, session: sessions.get(session.transactionId) as MerchantSession };
    },
    async getSession(transactionId) {
      return sessions.get(transactionId);
    },
    async acceptVoucher(transactionId, expected, voucher) {
      const session = sessions.get(transactionId);
      if (!session) return 'unknown';
      if (session.status !== 'open') return 'terminated';
      if (session.seq !== expected.seq || session.cumulativeMinor !== expected.cumulativeMinor)
        return 'stale';
      sessions.set(
        transactionId,
        Object.freeze({
          ...session,
          seq: voucher.seq,
          cumulativeMinor: voucher.cumulativeMinor,
          purchaseList: voucher.purchaseList,
          lastVoucher: voucher.jws,
        }),
      );
      vouchers.get(transactionId)?.push(Object.freeze({ ...voucher }));
      return 'accepted';
    },
    async terminate(transactionId, termination, expectedSeq) {
      return update(transactionId, (s) =>
        s.status === 'open' && (expectedSeq === undefined || s.seq === expectedSeq)
          ? { ...s, status: 'terminated', termination }
          : undefined,
      );
    },
    async saveRecord(transactionId, recordJws) {
      return update(transactionId, (s) => (s.record ? undefined : { ...s, record: { jws: recordJws } }))
        ?.record?.jws;
    },
    async markRecordSubmitted(transactionId, status, atMs) {
      update(transactionId, (s) =>
        s.record ? { ...s, record: { ...s.record, status, submittedAtMs: atMs } } : undefined,
      );
    },
    async listVouchers(transactionId) {
      return [...(vouchers.get(transactionId) ?? [])];
    },
    async listAwaitingRecord(merchantId, fromMs, beforeMs, limit) {
      // A full scan: fine at the sizes a process-local store is meant for.
      return [...sessions.values()]
        .filter(
          (s) =>
            s.merchantId === merchantId &&
            s.record?.status === undefined &&
            s.expiresAtMs >= fromMs &&
            s.expiresAtMs < beforeMs,
        )
        .sort(byExpiry)
        .slice(0, limit);
    },
  };
}

function byExpiry(a: MerchantSession, b: MerchantSession): number {
  if (a.expiresAtMs !== b.expiresAtMs) return a.expiresAtMs - b.expiresAtMs;
  return a.transactionId < b.transactionId ? -1 : a.transactionId > b.transactionId ? 1 : 0;
}
