import {
  type CurrencyTableBody,
  generateSigningKey,
  type SigningKey,
  signCurrencyTable,
  signMessage,
} from '@tallystick/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { TallyResponseError } from '../errors.ts';
import { OPERATOR_DOCUMENT_PATH } from '../operator/keys.ts';
import { createWallet, type Wallet } from '../wallet.ts';
import type { CurrencyTableWarning } from './model.ts';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2030, 0, 1);
const EUR_PER_SEK = { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n };

async function operatorKey(operatorId: string): Promise<SigningKey> {
  const key = await generateSigningKey();
  const kid = `${operatorId}:${key.kid}`;
  return { ...key, kid, publicJwk: { ...key.publicJwk, kid } };
}

/** A fake AM (op-a, SEK) publishing its key and whatever table `serve` returns; counts table fetches. */
function fakeAm(key: SigningKey, serve: () => Promise<Response>) {
  const calls = { tables: 0 };
  const fetch: typeof globalThis.fetch = async (input) => {
    const path = new URL(String(input)).pathname;
    if (path === OPERATOR_DOCUMENT_PATH)
      return Response.json({ operatorId: 'op-a', currency: 'SEK', keys: [key.publicJwk] });
    if (path === '/v1/currency-table') {
      calls.tables++;
      return serve();
    }
    return Response.json({ error: { code: 'not_found', message: path }, requestId: 'r' }, { status: 404 });
  };
  return { fetch, calls };
}

function body(validFromMs: number, overrides: Partial<CurrencyTableBody> = {}): CurrencyTableBody {
  return {
    tableId: `ct-${validFromMs.toString(36)}-0123456789abcdef`,
    operatorId: 'op-a',
    currency: 'SEK',
    validFromMs,
    validUntilMs: validFromMs + HOUR_MS,
    rates: [EUR_PER_SEK],
    ...overrides,
  };
}

describe('wallet currency table', () => {
  let key: SigningKey;
  let customerKey: SigningKey;
  beforeAll(async () => {
    key = await operatorKey('op-a');
    customerKey = await generateSigningKey();
  });

  function wallet(
    fetch: typeof globalThis.fetch,
    clock: { ms: number },
    warnings?: CurrencyTableWarning[],
  ): Wallet {
    return createWallet({
      amBaseUrl: 'https://am.example',
      amOperatorId: 'op-a',
      customerId: 'cus-abcdefghijklmnop',
      apiKey: 'tsk_test',
      customerKey,
      fetch,
      clock: () => new Date(clock.ms),
      retriesMax: 0,
      ...(warnings ? { onCurrencyTableWarning: (w: CurrencyTableWarning) => warnings.push(w) } : {}),
    });
  }

  /** Signs the table of the window holding the clock, at the clock's time, as the operator does. */
  const issuing =
    (clock: { ms: number }, signer: SigningKey = key) =>
    async () => {
      const from = clock.ms - (clock.ms % HOUR_MS);
      const table = await signCurrencyTable(
        signer,
        { iss: 'op-a', aud: 'op-a', nowMs: clock.ms },
        body(from),
      );
      return Response.json({ table });
    };

  it('fetches a missing table, then an expired one, and quotes rounded up (injectable clock)', async () => {
    const clock = { ms: T0 + 10 * 60_000 };
    const seen: CurrencyTableWarning[] = [];
    const am = fakeAm(key, issuing(clock));
    const w = wallet(am.fetch, clock, seen);

    const first = await w.quote({ currency: 'EUR', priceMinor: 120n });
    // 1.20 EUR at 0.0874 EUR/SEK = 13.7299… SEK: shown as 13.73 SEK, never less.
    expect(first).toMatchObject({ priceCustomerMinor: 1373n, customerCurrency: 'SEK', expired: false });
    expect(first.warnings).toEqual(['currency_table_missing']);
    expect(first.tableId).toBe(`ct-${T0.toString(36)}-0123456789abcdef`);

    const again = await w.quote({ currency: 'EUR', priceMinor: 1n });
    expect(again).toMatchObject({ priceCustomerMinor: 12n, warnings: [], tableId: first.tableId });
    expect(am.calls.tables).toBe(1);

    clock.ms += HOUR_MS; // past validUntil: the next quote fetches the next window's table
    const later = await w.quote({ currency: 'EUR', priceMinor: 120n });
    expect(later.warnings).toEqual(['currency_table_expired']);
    expect(later.expired).toBe(false);
    expect(later.tableId).not.toBe(first.tableId);
    expect(am.calls.tables).toBe(2);
    expect(seen).toEqual(['currency_table_missing', 'currency_table_expired']);
  });

  it('keeps quoting with the expired table, flagged, when the refresh fails; fails when there is none', async () => {
    const clock = { ms: T0 };
    let down = false;
    const issue = issuing(clock);
    const am = fakeAm(key, () => (down ? Promise.resolve(new Response('', { status: 404 })) : issue()));
    const w = wallet(am.fetch, clock);
    await w.quote({ currency: 'EUR', priceMinor: 120n });
    down = true;
    clock.ms += 2 * HOUR_MS;
    const stale = await w.quote({ currency: 'EUR', priceMinor: 120n });
    expect(stale).toMatchObject({ priceCustomerMinor: 1373n, expired: true });
    expect(stale.warnings).toEqual(['currency_table_expired', 'currency_table_refresh_failed']);

    const fresh = wallet(am.fetch, clock);
    await expect(fresh.quote({ currency: 'EUR', priceMinor: 1n })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('refuses a tampered table, one signed by another key, and one in another currency', async () => {
    const clock = { ms: T0 };
    const good = await signCurrencyTable(key, { iss: 'op-a', aud: 'op-a', nowMs: T0 }, body(T0));
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.body.rates[0].numerator = '1'; // a much better rate for the customer, without the operator's say
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const other = await operatorKey('op-a');
    const foreign = await signCurrencyTable(other, { iss: 'op-a', aud: 'op-a', nowMs: T0 }, body(T0));
    const inUsd = await signCurrencyTable(
      key,
      { iss: 'op-a', aud: 'op-a', nowMs: T0 },
      body(T0, { currency: 'USD', rates: [{ ...EUR_PER_SEK, base: 'USD' }] }),
    );
    const wrongType = await signMessage(key, {
      mty: 'tally.session_ready',
      iss: 'op-a',
      aud: 'op-a',
      body: body(T0),
      nowMs: T0,
    });
    for (const table of [tampered, foreign, inUsd, wrongType]) {
      const w = wallet(fakeAm(key, async () => Response.json({ table })).fetch, clock);
      const error = await w.quote({ currency: 'EUR', priceMinor: 120n }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TallyResponseError);
      expect(error).toMatchObject({ code: 'currency_table_invalid' });
    }
  });

  it('says so when the table quotes no rate for the merchant currency, and converts its own currency 1:1', async () => {
    const clock = { ms: T0 };
    const w = wallet(fakeAm(key, issuing(clock)).fetch, clock);
    await expect(w.quote({ currency: 'USD', priceMinor: 1n })).rejects.toMatchObject({
      code: 'currency_not_quoted',
    });
    expect(await w.quote({ currency: 'SEK', priceMinor: 999n })).toMatchObject({ priceCustomerMinor: 999n });
  });
});
