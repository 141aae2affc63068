import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClock } from '../../operator/test/support/test-clock.ts';
import { testWallet } from '../../operator/test/support/test-wallet.ts';
import type { TradingNode } from '../../operator/test/support/trading-node.ts';
import type { CloseExpiringResult, Merchant } from '../src/index.ts';
import { eventually } from './support/eventually.ts';
import { type MerchantNetwork, startMerchantNetwork } from './support/merchant-network.ts';

/*
 * A customer pays and vanishes (no terminate, no record). Against real
 * operator nodes (op-a SEK as AM, op-b EUR as MTA, real HTTP, PGlite or
 * TEST_DATABASE_URL), the merchant's expiry guard hands in the record before
 * the timer runs out, and the MTA's clearing on expiry pays the merchant
 * what the customer's vouchers show. Nodes and merchant share one test clock.
 */
describe('merchant expiry guard against real operator nodes', () => {
  let net: MerchantNetwork;
  let opA: TradingNode;
  let opB: TradingNode;
  let merchant: Merchant;
  let merchantId: string;
  let clock: TestClock;

  beforeAll(async () => {
    net = await startMerchantNetwork({ merchantOnNodeClock: true });
    ({ opA, opB, merchant, merchantId, clock } = net);
  });
  afterAll(async () => {
    await net?.close();
  });

  it('closes the abandoned session before expiry and the MTA clears it with the merchant paid', async () => {
    const wallet = testWallet(opA, await opA.customer(100_000n));
    const sessionId = await wallet.openSession();
    const t = await wallet.initiate(sessionId, {
      depositMinor: 5_000n, // 437 EUR cents for the merchant
      merchantId,
      merchantOperatorId: 'op-b',
      timeoutSeconds: 10,
    });
    for (const priceMinor of [120n, 35n, 200n]) {
      const accepted = await merchant.acceptPurchase(t.transactionId, await wallet.buy(t, priceMinor));
      expect(accepted.ok).toBe(true);
    }
    // The customer vanishes here: no terminate, no customer record.

    const passes: CloseExpiringResult[] = [];
    const guard = merchant.startExpiryGuard({
      intervalMs: 50,
      withinMs: 5_000,
      onPass: (r) => passes.push(r),
    });
    try {
      await eventually(() => passes.length >= 2);
      expect(passes.flatMap((p) => p.closed)).toEqual([]); // ~10 s left: outside the 5 s margin

      clock.advance(6_000); // ~4 s left
      await eventually(() => passes.some((p) => p.closed.length > 0 || p.failed.length > 0));
      expect(passes.flatMap((p) => p.failed)).toEqual([]);
      expect(passes.flatMap((p) => p.closed)).toEqual([t.transactionId]);
      expect(await merchant.getTransaction(t.transactionId)).toMatchObject({
        status: 'open', // the MTA waits for its timer: the customer may still hand in a record
        records: { customer: false, merchant: true },
        clearing: null,
      });

      clock.advance(5_000); // past expiry: the MTA's worker clears from the records it has
      await eventually(async () => (await merchant.getTransaction(t.transactionId)).status === 'cleared');
    } finally {
      await guard.stop();
    }

    expect((await merchant.getTransaction(t.transactionId)).clearing).toMatchObject({
      outcome: 'customer_vouchers',
      voucherSeq: 3,
      clearedMerchantMinor: '355',
      clearedCustomerMinor: '4062', // ceil(355 / 0.0874)
    });
    expect(await opB.posted(`${merchantId}.EUR`)).toBe(355n);
    await eventually(async () => (await wallet.view(t.transactionId)).body.status === 'cleared');
    for (const node of [opA, opB]) {
      for (const sum of Object.values(await node.sums())) expect(sum).toEqual({ posted: 0n, pending: 0n });
    }
  });
});
