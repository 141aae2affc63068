import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWalletNetwork, type WalletNetwork } from '../../packages/wallet/test/support/network.ts';
import { type PaidApi, startPaidApi } from './api.ts';
import { runPaidClient } from './client.ts';

/* The example against the in-process test operators (fake AM op-a in SEK, fake MTA op-b in EUR). */
let net: WalletNetwork;
let api: PaidApi;
beforeAll(async () => {
  net = await startWalletNetwork();
  api = await startPaidApi(net.merchant, { currency: 'EUR' });
});
afterAll(async () => {
  await api?.close();
  await net?.close();
});

describe('examples/paid-api', () => {
  it.each([['tally-payword'], ['tally-voucher']] as const)(
    'makes paid calls to all three routes with %s',
    async (scheme) => {
      const report = await runPaidClient(net.wallet(), api.url, {
        calls: 90,
        concurrency: 6,
        schemes: [scheme],
      });
      expect(report).toMatchObject({ calls: 90, ok: 90, failed: 0 });
      expect(report.byRoute).toEqual({ 'GET /weather': 30, 'GET /quote/:symbol': 30, 'POST /translate': 30 });
      // 30 × 3 + 30 × 2 + translations of 11, 36 and 26 characters: 1, 2 and 2 units, 10 times each.
      expect(report.spent).toEqual({ EUR: 90n + 60n + 50n });
      // Closing delivered each signed terminate to the API: the merchant stopped and sent its record.
      for (const { transactionId } of report.transactions) {
        const session = await net.merchant.getSession(transactionId);
        expect(session?.status).toBe('terminated');
        expect(session?.record?.jws).toBeTruthy();
      }
    },
  );
});
