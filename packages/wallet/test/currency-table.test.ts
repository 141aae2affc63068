import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMerchantAt } from '../../merchant/test/support/merchant-network.ts';
import { createTestClock, type TestClock } from '../../operator/test/support/test-clock.ts';
import { startTradingNodes, type TradingNode } from '../../operator/test/support/trading-node.ts';
import { type CurrencyTableWarning, createWallet } from '../src/index.ts';

/*
 * The AM's signed currency table (DESIGN §8) end to end: a real operator node
 * (PGlite, or TEST_DATABASE_URL) publishes it at GET /v1/currency-table, the
 * wallet verifies it under the key from the node's operator document.
 */
describe('currency table from a real operator node', () => {
  let opA: TradingNode;
  let opB: TradingNode;
  let clock: TestClock;

  beforeAll(async () => {
    clock = createTestClock({ frozen: true });
    [opA, opB] = (await startTradingNodes(
      [
        { id: 'op-a', currency: 'SEK', rates: 'SEK/EUR=0.0874,SEK/USD=0.095' },
        { id: 'op-b', currency: 'EUR', rates: 'SEK/EUR=0.0874' },
      ],
      clock,
    )) as [TradingNode, TradingNode];
  });
  afterAll(async () => {
    await opA?.close();
    await opB?.close();
  });

  it('publishes a table signed by the operator key, quoting its configured pairs, valid for the hour', async () => {
    const answer = await opA.request('GET', '/v1/currency-table');
    expect(answer.status).toBe(200);
    const { tableId, validFromMs, validUntilMs, table } = answer.body;
    expect(tableId).toMatch(/^ct-[0-9a-z]+-[0-9a-f]{16}$/);
    expect(validUntilMs - validFromMs).toBe(3_600_000);
    expect(validFromMs).toBeLessThanOrEqual(clock.now().getTime());
    const claims = JSON.parse(Buffer.from(String(table).split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ mty: 'tally.currency_table', iss: 'op-a', aud: 'op-a' });
    expect(claims.body.rates).toEqual([
      { base: 'SEK', quote: 'EUR', numerator: '874', denominator: '10000' },
      { base: 'SEK', quote: 'USD', numerator: '95', denominator: '1000' },
    ]);
    // Same window, same id (signed afresh: its iat must be recent for the wallet).
    expect((await opA.request('GET', '/v1/currency-table')).body.tableId).toBe(tableId);
  });

  it('quotes before the session, pins that table for the session, charges what was shown, refreshes after expiry', async () => {
    const customer = await opA.customer(100_000n);
    const { merchant, endpoint, merchantId } = await startMerchantAt(opB);
    try {
      const warnings: CurrencyTableWarning[] = [];
      const wallet = createWallet({
        amBaseUrl: opA.url,
        amOperatorId: 'op-a',
        customerId: customer.id,
        apiKey: customer.apiKey,
        customerKey: customer.key,
        clock: clock.now,
        onCurrencyTableWarning: (w) => warnings.push(w),
      });
      const shown = await wallet.quote({ currency: 'EUR', priceMinor: 120n });
      // 1.20 EUR at 0.0874 EUR/SEK = 13.7299… SEK, shown rounded up.
      expect(shown).toMatchObject({ priceCustomerMinor: 1373n, customerCurrency: 'SEK', expired: false });
      expect(warnings).toEqual(['currency_table_missing']);

      const session = await wallet.openSession(
        { merchantId, merchantOperatorId: 'op-b', offerId: 'articles', currency: 'EUR' },
        { depositMinor: 5_000n, timeoutSeconds: 600 },
      );
      expect(session.currencyTableId).toBe(shown.tableId);
      const payment = await session.pay({ sku: 'a-1', description: 'Article 1', priceMinor: 120n });
      expect(await merchant.acceptPurchase(payment.transactionId, payment.voucher)).toMatchObject({
        ok: true,
      });
      await session.close();
      await merchant.submitRecord(payment.transactionId);
      const view = await wallet.getTransaction(payment.transactionId);
      expect(view.clearing).toMatchObject({ clearedMerchantMinor: '120', clearedCustomerMinor: '1373' });

      clock.advance(3_600_000);
      const pinned = await session.quote(120n);
      expect(pinned).toMatchObject({
        tableId: shown.tableId,
        expired: true,
        warnings: ['currency_table_expired'],
      });
      const later = await wallet.quote({ currency: 'EUR', priceMinor: 120n });
      expect(later).toMatchObject({ expired: false, warnings: ['currency_table_expired'] });
      expect(later.tableId).not.toBe(shown.tableId);
      expect(warnings).toEqual(['currency_table_missing', 'currency_table_expired']);
    } finally {
      await endpoint.close();
    }
  });
});
