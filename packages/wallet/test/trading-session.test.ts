import { hashPurchaseList } from '@tallystick/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminateNotice } from '../src/index.ts';
import { startWalletNetwork, type WalletNetwork } from './support/network.ts';

let net: WalletNetwork;
beforeAll(async () => {
  net = await startWalletNetwork();
});
afterAll(() => net.close());

describe('a trading session, wallet against merchant over the fake network', () => {
  it('opens, pays, stops and clears as agreed: both purchase lists hash the same', async () => {
    const notices: TerminateNotice[] = [];
    const wallet = net.wallet();
    const session = await wallet.openSession(net.offer, {
      depositMinor: 10_000n, // 100.00 SEK -> 10.00 EUR at 0.1
      timeoutSeconds: 600,
      purchaseCountExpected: 3,
      onTerminate: async (notice) => {
        notices.push(notice);
        await net.merchant.receiveTerminate(notice.terminate);
      },
    });
    const [info] = session.transactions();
    expect(info).toMatchObject({
      status: 'open',
      depositCustomerMinor: 10_000n,
      customerCurrency: 'SEK',
      depositMerchantMinor: 1_000n,
      currency: 'EUR',
    });
    const transactionId = info?.transactionId ?? '';
    expect(transactionId).toMatch(/^op-a\.\d+\.1$/);

    const items = [
      { sku: 'a-1', description: 'Article 1', priceMinor: 120n },
      { sku: 'a-2', description: 'Artikel två ✓', priceMinor: 0n },
      { sku: 'a-3', description: 'Article 3', priceMinor: 250n },
    ];
    for (const [i, item] of items.entries()) {
      const payment = await session.pay(item);
      expect(payment).toMatchObject({
        transactionId,
        seq: i + 1,
        amountMinor: item.priceMinor,
        currency: 'EUR',
        rolledOver: false,
      });
      const accepted = await net.merchant.acceptPurchase(transactionId, payment.voucher, item);
      expect(accepted).toMatchObject({
        ok: true,
        receipt: { seq: i + 1, cumulativeMinor: payment.cumulativeMinor },
      });
    }

    const walletList = await hashPurchaseList(
      transactionId,
      session.purchases(transactionId).map((p) => p.purchase),
    );
    const merchantSession = await net.merchant.getSession(transactionId);
    expect(merchantSession?.purchaseList).toEqual(walletList);
    expect(session.transactions()[0]?.purchaseListHash).toBe(merchantSession?.purchaseList.hashHex);

    const [summary] = await session.close();
    expect(summary).toMatchObject({
      transactionId,
      status: 'closed',
      purchaseCount: 3,
      cumulativeMinor: 370n,
      lastSeq: 3,
      terminateDelivered: true,
      recordStatus: 'received',
    });
    expect(notices).toEqual([
      { transactionId, merchantId: 'shop-1', terminate: summary?.terminate, lastSeq: 3 },
    ]);
    expect((await net.merchant.getSession(transactionId))?.termination?.by).toBe('customer');

    const record = await net.merchant.submitRecord(transactionId);
    expect(record.status).toBe('cleared');
    expect(net.network.mtaView(transactionId)).toMatchObject({
      status: 'cleared',
      clearing: { outcome: 'agreed', clearedMerchantMinor: '370' },
    });
    expect(await net.merchant.getTransaction(transactionId)).toMatchObject({ status: 'cleared' });
    expect(await wallet.getTransaction(transactionId)).toMatchObject({ transactionId, status: 'open' });

    await expect(session.pay(items[0] as (typeof items)[0])).rejects.toMatchObject({
      code: 'session_closed',
    });
    expect(await session.close()).toEqual([summary]); // idempotent
  });

  it('50 concurrent pays on one session sign seq 1..50 in call order; the merchant accepts them all', async () => {
    const session = await net
      .wallet()
      .openSession(net.offer, { depositMinor: 100_000n, timeoutSeconds: 600 });
    const payments = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        session.pay({ sku: `s-${i}`, description: `item ${i}`, priceMinor: BigInt(i + 1) }),
      ),
    );
    expect(payments.map((p) => p.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(payments.map((p) => p.amountMinor)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i + 1)));
    expect(payments.at(-1)?.cumulativeMinor).toBe(1275n);
    for (const p of payments) {
      expect(await net.merchant.acceptPurchase(p.transactionId, p.voucher)).toMatchObject({ ok: true });
    }
    const txId = payments[0]?.transactionId ?? '';
    expect((await net.merchant.getSession(txId))?.purchaseList.hashHex).toBe(
      session.transactions()[0]?.purchaseListHash,
    );
  });

  it('rolls over to a new transaction when an item no longer fits the deposit', async () => {
    const wallet = net.wallet();
    const session = await wallet.openSession(net.offer, { depositMinor: 1_000n, timeoutSeconds: 600 }); // 1.00 EUR
    const first = await session.pay({ sku: 'x', description: 'x', priceMinor: 60n });
    const second = await session.pay({ sku: 'y', description: 'y', priceMinor: 60n });
    expect(second).toMatchObject({ seq: 1, rolledOver: true, cumulativeMinor: 60n });
    expect(second.transactionId).not.toBe(first.transactionId);
    expect(second.transactionId.split('.').slice(0, 2)).toEqual(first.transactionId.split('.').slice(0, 2)); // same AM session
    const [tx1, tx2] = session.transactions();
    expect(tx1).toMatchObject({ status: 'closed', purchaseCount: 1, cumulativeMinor: 60n });
    expect(tx2).toMatchObject({ status: 'open', purchaseCount: 1 });
    expect(net.network.mtaView(first.transactionId)).toMatchObject({ status: 'open' }); // customer record in, merchant's pending

    await expect(session.pay({ sku: 'z', description: 'too big', priceMinor: 101n })).rejects.toMatchObject({
      name: 'TallySessionError',
      code: 'item_exceeds_deposit',
    });
    expect(session.transactions()).toHaveLength(2); // nothing was closed or opened for it
    expect(await session.close()).toHaveLength(2);
  });

  it('reuses one AM logon for every session of a wallet', async () => {
    const before = net.network.amLogons();
    const wallet = net.wallet();
    await Promise.all([
      wallet.openSession(net.offer, { depositMinor: 500n, timeoutSeconds: 60 }),
      wallet.openSession(net.offer, { depositMinor: 500n, timeoutSeconds: 60 }),
    ]);
    await wallet.openSession(net.offer, { depositMinor: 500n, timeoutSeconds: 60 });
    expect(net.network.amLogons() - before).toBe(1);
  });
});

describe('a refused voucher', () => {
  it('is retracted, so the next payment reuses its seq and the records still agree', async () => {
    const session = await net.wallet().openSession(net.offer, { depositMinor: 10_000n, timeoutSeconds: 600 });
    const first = await session.pay({ sku: 'a', description: 'a', priceMinor: 100n });
    expect(await net.merchant.acceptPurchase(first.transactionId, first.voucher)).toMatchObject({ ok: true });
    const refused = await session.pay({ sku: 'b', description: 'b', priceMinor: 10n });
    const answer = await net.merchant.acceptPurchase(refused.transactionId, refused.voucher, {
      sku: 'b',
      priceMinor: 20n,
    });
    expect(answer).toEqual({ ok: false, code: 'purchase_item_mismatch' });
    await expect(session.retract(first)).rejects.toMatchObject({ code: 'payment_not_retractable' });
    await session.retract(refused);
    const retry = await session.pay({ sku: 'b', description: 'b', priceMinor: 20n });
    expect(retry).toMatchObject({ seq: 2, cumulativeMinor: 120n });
    expect(
      await net.merchant.acceptPurchase(retry.transactionId, retry.voucher, { sku: 'b', priceMinor: 20n }),
    ).toMatchObject({ ok: true });
    await session.close();
    expect((await net.merchant.submitRecord(retry.transactionId)).status).toBe('cleared');
    expect(net.network.mtaView(retry.transactionId)).toMatchObject({
      clearing: { outcome: 'agreed', clearedMerchantMinor: '120' },
    });
  });
});
