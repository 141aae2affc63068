import { base64url } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../jws/keys.ts';
import { signMessage } from '../jws/message.ts';
import { appendPurchase, type PurchaseListState, startPurchaseList } from '../session/purchase-list.ts';
import {
  DEPOSIT_MERCHANT_MINOR,
  ITEM,
  MERCHANT_ID,
  makeSession,
  NOW_MS,
  type Session,
  TRANSACTION_ID,
} from '../testing/fixtures.ts';
import { createVoucher, type VoucherInput } from './create.ts';
import { isVoucherError } from './errors.ts';
import { type VerifiedVoucher, type VerifyVoucherOptions, verifyVoucher } from './verify.ts';

let s: Session;
let start: PurchaseListState;
beforeAll(async () => {
  s = await makeSession();
  start = await startPurchaseList(TRANSACTION_ID);
});

function merchantView(overrides: Partial<VerifyVoucherOptions> = {}): VerifyVoucherOptions {
  return {
    sessionKey: s.sessionVerificationKey,
    transactionId: TRANSACTION_ID,
    pseudonym: s.pseudonym,
    merchantId: MERCHANT_ID,
    currency: 'EUR',
    depositMinor: DEPOSIT_MERCHANT_MINOR,
    lastSeq: 0,
    lastCumulativeMinor: 0n,
    nowMs: NOW_MS,
    ...overrides,
  };
}

function voucherInput(overrides: Partial<VoucherInput> = {}): VoucherInput {
  return {
    transactionId: TRANSACTION_ID,
    pseudonym: s.pseudonym,
    merchantId: MERCHANT_ID,
    seq: 1,
    cumulativeMinor: 120n,
    currency: 'EUR',
    purchaseListHash: 'a'.repeat(64),
    nowMs: NOW_MS,
    ...overrides,
  };
}

function accepted(result: VerifiedVoucher | string): VerifiedVoucher {
  if (typeof result === 'string') throw new Error(`refused: ${result}`);
  return result;
}

describe('vouchers: a session of purchases', () => {
  it('wallet and merchant keep the same purchase list; the merchant verifies each step', async () => {
    const prices = [120n, 35n, 0n, 700n];
    let walletList = start;
    let merchantList = start;
    let last = { seq: 0, cumulativeMinor: 0n };
    for (const [i, priceMinor] of prices.entries()) {
      const item = { ...ITEM, sku: `sku-${i}`, priceMinor, atMs: NOW_MS + i };
      const next = await appendPurchase(walletList, { seq: walletList.count + 1, ...item });
      if (typeof next === 'string') throw new Error(next);
      walletList = next;
      const jws = await createVoucher(
        s.session,
        voucherInput({
          seq: next.count,
          cumulativeMinor: next.totalMinor,
          purchaseListHash: next.hashHex,
          item,
        }),
      );
      const verified = accepted(
        await verifyVoucher(
          jws,
          merchantView({
            lastSeq: last.seq,
            lastCumulativeMinor: last.cumulativeMinor,
            purchaseList: merchantList,
          }),
        ),
      );
      expect(verified.incrementMinor).toBe(priceMinor);
      expect(verified.item).toEqual(item);
      merchantList = verified.purchaseList as PurchaseListState;
      last = verified;
    }
    expect(merchantList).toEqual(walletList);
    expect(last).toMatchObject({ seq: 4, cumulativeMinor: 855n, purchaseListHash: walletList.hashHex });
  });

  it('works with an Ed25519 session key and without an item', async () => {
    const ed = await makeSession('EdDSA');
    const jws = await createVoucher(ed.session, voucherInput({ pseudonym: ed.pseudonym }));
    const verified = accepted(
      await verifyVoucher(
        jws,
        merchantView({ sessionKey: ed.sessionVerificationKey, pseudonym: ed.pseudonym }),
      ),
    );
    expect(verified).toMatchObject({ seq: 1, cumulativeMinor: 120n, incrementMinor: 120n });
    expect(verified.item).toBeUndefined();
  });

  it('accepts a cumulative equal to the deposit and a wallet clock off by an hour', async () => {
    const jws = await createVoucher(
      s.session,
      voucherInput({ cumulativeMinor: 874n, nowMs: NOW_MS - 3_600_000 }),
    );
    expect(accepted(await verifyVoucher(jws, merchantView())).cumulativeMinor).toBe(874n);
  });
});

describe('vouchers: refusals', () => {
  it('refuses a voucher signed under another key', async () => {
    const other = await generateSigningKey();
    const foreign = await createVoucher(other, voucherInput());
    expect(await verifyVoucher(foreign, merchantView())).toBe('voucher_signature_invalid');
    // the same, claiming the session key's kid
    const impostor = await createVoucher({ ...other, kid: s.session.kid }, voucherInput());
    expect(await verifyVoucher(impostor, merchantView())).toBe('voucher_signature_invalid');
  });

  it('refuses a tampered voucher', async () => {
    const jws = await createVoucher(s.session, voucherInput());
    const [header, payload, signature] = jws.split('.') as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    claims.body.cumulativeMinor = '1';
    const forged = base64url.encode(new TextEncoder().encode(JSON.stringify(claims)));
    expect(await verifyVoucher(`${header}.${forged}.${signature}`, merchantView())).toBe(
      'voucher_signature_invalid',
    );
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
    expect(await verifyVoucher(`${header}.${payload}.${flipped}`, merchantView())).toBe(
      'voucher_signature_invalid',
    );
  });

  it('refuses alg none', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', kid: s.session.kid }));
    const payload = base64url.encode(JSON.stringify({ mty: 'tally.voucher' }));
    expect(await verifyVoucher(`${header}.${payload}.`, merchantView())).toBe('voucher_signature_invalid');
  });

  it('refuses a replayed or stale seq, and a decreasing cumulative', async () => {
    const jws = await createVoucher(s.session, voucherInput({ seq: 3, cumulativeMinor: 300n }));
    accepted(await verifyVoucher(jws, merchantView({ lastSeq: 2, lastCumulativeMinor: 250n })));
    expect(await verifyVoucher(jws, merchantView({ lastSeq: 3, lastCumulativeMinor: 300n }))).toBe(
      'voucher_stale_seq',
    );
    expect(await verifyVoucher(jws, merchantView({ lastSeq: 7, lastCumulativeMinor: 250n }))).toBe(
      'voucher_stale_seq',
    );
    expect(await verifyVoucher(jws, merchantView({ lastSeq: 2, lastCumulativeMinor: 301n }))).toBe(
      'voucher_not_increasing',
    );
  });

  it('refuses a voucher over the deposit', async () => {
    const jws = await createVoucher(
      s.session,
      voucherInput({ cumulativeMinor: DEPOSIT_MERCHANT_MINOR + 1n }),
    );
    expect(await verifyVoucher(jws, merchantView())).toBe('voucher_exceeds_deposit');
  });

  it('refuses a voucher for another transaction, merchant or currency', async () => {
    const otherTxn = await createVoucher(s.session, voucherInput({ transactionId: 'op-a.17.4' }));
    expect(await verifyVoucher(otherTxn, merchantView())).toBe('voucher_wrong_transaction');
    const otherShop = await createVoucher(s.session, voucherInput({ merchantId: 'shop-2' }));
    expect(await verifyVoucher(otherShop, merchantView())).toBe('voucher_wrong_merchant');
    const otherCurrency = await createVoucher(s.session, voucherInput({ currency: 'SEK' }));
    expect(await verifyVoucher(otherCurrency, merchantView())).toBe('voucher_wrong_currency');
  });

  it('refuses a txn claim and body that disagree', async () => {
    const body = {
      transactionId: 'op-a.17.4',
      seq: 1,
      cumulativeMinor: '1',
      currency: 'EUR',
      purchaseListHash: 'a'.repeat(64),
    };
    const jws = await signMessage(s.session, {
      mty: 'tally.voucher',
      iss: s.pseudonym,
      aud: MERCHANT_ID,
      txn: TRANSACTION_ID,
      body,
      nowMs: NOW_MS,
    });
    expect(await verifyVoucher(jws, merchantView())).toBe('voucher_wrong_transaction');
  });

  it('refuses malformed vouchers: garbage, wrong type, wrong issuer, bad body, far-off clock', async () => {
    expect(await verifyVoucher('not.a.jws', merchantView())).toBe('voucher_malformed');
    expect(await verifyVoucher('x'.repeat(70_000), merchantView())).toBe('voucher_malformed');
    const base = { iss: s.pseudonym, aud: MERCHANT_ID, txn: TRANSACTION_ID, nowMs: NOW_MS };
    const body = { transactionId: TRANSACTION_ID, seq: 1, cumulativeMinor: '1', currency: 'EUR' };
    const wrongType = await signMessage(s.session, { ...base, mty: 'tally.terminate', body });
    expect(await verifyVoucher(wrongType, merchantView())).toBe('voucher_malformed');
    const noHash = await signMessage(s.session, { ...base, mty: 'tally.voucher', body });
    expect(await verifyVoucher(noHash, merchantView())).toBe('voucher_malformed');
    const wrongIssuer = await createVoucher(
      s.session,
      voucherInput({ pseudonym: 'psn_AAAAAAAAAAAAAAAAAAAAAA' }),
    );
    expect(await verifyVoucher(wrongIssuer, merchantView())).toBe('voucher_malformed');
    const daysOld = await createVoucher(s.session, voucherInput({ nowMs: NOW_MS - 2 * 86_400_000 }));
    expect(await verifyVoucher(daysOld, merchantView())).toBe('voucher_malformed');
  });

  it('refuses vouchers after the session expired', async () => {
    const jws = await createVoucher(s.session, voucherInput());
    expect(await verifyVoucher(jws, merchantView({ expiresAtMs: NOW_MS - 1 }))).toBe(
      'voucher_session_expired',
    );
    accepted(await verifyVoucher(jws, merchantView({ expiresAtMs: NOW_MS })));
  });

  it('refuses a voucher whose hash or total does not match the merchant’s list plus its item', async () => {
    const list = await appendPurchase(start, { seq: 1, ...ITEM });
    if (typeof list === 'string') throw new Error(list);
    const good = { cumulativeMinor: list.totalMinor, purchaseListHash: list.hashHex, item: ITEM };
    const view = merchantView({ purchaseList: start });
    accepted(await verifyVoucher(await createVoucher(s.session, voucherInput(good)), view));
    const cases: Partial<VoucherInput>[] = [
      { ...good, purchaseListHash: 'b'.repeat(64) },
      { ...good, item: { ...ITEM, description: 'something else' } },
      { ...good, cumulativeMinor: list.totalMinor + 1n },
      { cumulativeMinor: good.cumulativeMinor, purchaseListHash: good.purchaseListHash },
    ];
    for (const input of cases) {
      const jws = await createVoucher(s.session, voucherInput(input));
      expect(await verifyVoucher(jws, view)).toBe('voucher_purchase_list_mismatch');
    }
  });

  it('reports only known codes', async () => {
    expect(isVoucherError(await verifyVoucher('a.b.c', merchantView()))).toBe(true);
  });
});
