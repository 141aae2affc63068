import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrossOperatorWorld, startCrossOperatorWorld } from '../support/cross-operator.ts';
import { createTestClock } from '../support/test-clock.ts';
import type { TestMerchant } from '../support/test-merchant.ts';
import { type TestWallet, testWallet, type WalletTransaction } from '../support/test-wallet.ts';
import type { TradingNode } from '../support/trading-node.ts';

/** 100.00 SEK deposit at 0.0874 = 8.74 EUR for the merchant. */
const DEPOSIT_MINOR = 10_000n;
const SESSION_SECONDS = 10;

describe('clearing when the records differ or are missing', () => {
  let opA: TradingNode;
  let opB: TradingNode;
  let shop: TestMerchant;
  const clock = createTestClock();

  let world: CrossOperatorWorld;
  beforeAll(async () => {
    world = await startCrossOperatorWorld(clock);
    ({ opA, opB, shop } = world);
  });
  afterAll(async () => {
    await world?.close();
  });

  async function open(): Promise<{ wallet: TestWallet; t: WalletTransaction; accountId: string }> {
    const customer = await opA.customer(100_000n);
    const wallet = testWallet(opA, customer);
    const t = await wallet.initiate(await wallet.openSession(), {
      depositMinor: DEPOSIT_MINOR,
      merchantId: shop.id,
      merchantOperatorId: 'op-b',
      timeoutSeconds: SESSION_SECONDS,
    });
    return { wallet, t, accountId: customer.accountId };
  }

  const merchantRecord = async (transactionId: string) =>
    opB.request('POST', `/v1/mta/transactions/${transactionId}/merchant-record`, {
      apiKey: shop.apiKey,
      body: { record: await shop.record(transactionId) },
    });

  /** Runs the session timer out and lets each MTA worker pass run. */
  async function expire(): Promise<void> {
    clock.advance((SESSION_SECONDS + 1) * 1000);
    await opB.worker.runOnce();
  }

  it('clears by the newest voucher when the customer record disagrees', async () => {
    const { wallet, t, accountId } = await open();
    await shop.accept(t.transactionId, await wallet.buy(t, 100n));
    const stale = await wallet.record(t); // the wallet's record after one purchase ...
    await shop.accept(t.transactionId, await wallet.buy(t, 250n)); // ... but it bought a second
    expect((await wallet.handIn(t, stale)).body).toEqual({ status: 'recorded' });
    expect((await merchantRecord(t.transactionId)).body).toEqual({ status: 'cleared' });
    const view = (await wallet.view(t.transactionId)).body;
    expect(view.clearing).toMatchObject({
      outcome: 'customer_vouchers',
      reason: 'records_differ',
      voucherSeq: 2,
      clearedMerchantMinor: '350',
      // ceil(350 / 0.0874) = ceil(4004.57...) = 4005
      clearedCustomerMinor: '4005',
      releasedCustomerMinor: '5995',
    });
    expect(await opA.posted(accountId)).toBe(100_000n - 4005n);
  });

  it('clears from the merchant’s last voucher when the customer never hands in a record', async () => {
    const { wallet, t, accountId } = await open();
    for (const price of [300n, 300n, 274n]) await shop.accept(t.transactionId, await wallet.buy(t, price));
    expect((await merchantRecord(t.transactionId)).body).toEqual({ status: 'recorded' });
    await expire();
    const view = (await wallet.view(t.transactionId)).body;
    expect(view).toMatchObject({
      status: 'cleared',
      clearing: {
        outcome: 'customer_vouchers',
        reason: 'customer_record_missing',
        voucherSeq: 3,
        clearedMerchantMinor: '874',
        clearedCustomerMinor: '10000',
        releasedCustomerMinor: '0',
      },
    });
    expect(await opA.posted(accountId)).toBe(100_000n - DEPOSIT_MINOR);
    expect(await opB.posted(`${shop.id}.EUR`)).toBeGreaterThanOrEqual(874n);
    // a record after the clearing is refused by the MTA: nothing clears twice
    const creditedMinor = await opB.posted(`${shop.id}.EUR`);
    const late = await wallet.record(t);
    expect(await wallet.handIn(t, late)).toMatchObject({
      status: 409,
      body: { error: { code: 'transaction_cleared' } },
    });
    expect(await opB.posted(`${shop.id}.EUR`)).toBe(creditedMinor);
  });

  it('releases the whole deposit when nothing was claimed', async () => {
    const { wallet, t, accountId } = await open();
    await expire();
    expect((await wallet.view(t.transactionId)).body).toMatchObject({
      status: 'cleared',
      clearing: {
        outcome: 'nothing_claimed',
        reason: 'records_missing',
        voucherSeq: 0,
        clearedCustomerMinor: '0',
      },
    });
    expect(await opA.account(accountId)).toMatchObject({ debitsPendingMinor: 0n, debitsPostedMinor: 0n });
  });

  it('releases the whole deposit when both records show no purchase', async () => {
    const { wallet, t, accountId } = await open();
    expect((await wallet.handIn(t, await wallet.record(t))).body).toEqual({ status: 'recorded' });
    expect((await merchantRecord(t.transactionId)).body).toEqual({ status: 'cleared' });
    expect((await wallet.view(t.transactionId)).body.clearing).toMatchObject({
      outcome: 'nothing_claimed',
      releasedCustomerMinor: String(DEPOSIT_MINOR),
    });
    expect(await opA.account(accountId)).toMatchObject({ debitsPendingMinor: 0n, debitsPostedMinor: 0n });
  });

  it('keeps every currency balanced on both operators', async () => {
    for (const node of [opA, opB]) {
      for (const sum of Object.values(await node.sums())) expect(sum).toEqual({ posted: 0n, pending: 0n });
    }
  });
});
