/*
 * Test-only: a consistent trading session (ids, keys, one valid body per
 * message). Not exported from the package index.
 */
import { generatePseudonym } from '../ids/pseudonym.ts';
import {
  generateSigningKey,
  importVerificationKey,
  type SigningKey,
  type VerificationKey,
} from '../jws/keys.ts';
import type { KeyResolver } from '../jws/message.ts';
import type { MtaAckBody } from '../messages/acknowledgements.ts';
import type { AmendedInitiationBody } from '../messages/amended-initiation.ts';
import type { ClearingBody } from '../messages/clearing.ts';
import type { InformationBody } from '../messages/information.ts';
import type { InitiationBody } from '../messages/initiation.ts';
import type { CustomerRecordBody } from '../messages/records.ts';
import type { SessionReadyBody } from '../messages/session-ready.ts';
import type { TerminateBody } from '../messages/terminate.ts';
import type { VoucherBody } from '../messages/voucher.ts';
import type { Rate } from '../money/rate.ts';
import { appendPurchase, type PurchaseListState, startPurchaseList } from '../session/purchase-list.ts';
import { createVoucher } from '../voucher/create.ts';

export const CUSTOMER_ACCOUNT = 'cust-42';
export const CUSTOMER_OPERATOR = 'op-a';
export const MERCHANT_OPERATOR = 'op-b';
export const MERCHANT_ID = 'shop-1';
export const SESSION_ID = 'op-a.17';
export const TRANSACTION_ID = 'op-a.17.3';
export const NOW_MS = Date.UTC(2030, 0, 1);
/** 1 SEK = 0.0874 EUR; 100.00 SEK -> 8.74 EUR. */
export const RATE: Rate = { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n };
export const DEPOSIT_CUSTOMER_MINOR = 10_000n;
export const DEPOSIT_MERCHANT_MINOR = 874n;

export interface Party {
  readonly key: SigningKey;
  readonly iss: string;
  readonly aud: string;
}

export async function makeSession(alg: 'ES256' | 'EdDSA' = 'ES256') {
  const [customer, am, mta, merchant, session] = await Promise.all([
    generateSigningKey(),
    generateSigningKey(),
    generateSigningKey(),
    generateSigningKey(),
    generateSigningKey(alg),
  ]);
  const pseudonym = generatePseudonym();
  const owners: [SigningKey, string][] = [
    [customer, CUSTOMER_ACCOUNT],
    [am, CUSTOMER_OPERATOR],
    [mta, MERCHANT_OPERATOR],
    [merchant, MERCHANT_ID],
    [session, pseudonym],
  ];
  const verification = new Map<string, { key: VerificationKey; issuer: string }>();
  for (const [key, issuer] of owners) {
    verification.set(key.kid, { key: await importVerificationKey(key.publicJwk), issuer });
  }
  const resolveKey: KeyResolver = async (kid) => verification.get(kid);
  const sessionVerificationKey = await importVerificationKey(session.publicJwk);
  return { customer, am, mta, merchant, session, sessionVerificationKey, pseudonym, resolveKey };
}
export type Session = Awaited<ReturnType<typeof makeSession>>;

export const ITEM = {
  sku: 'article-7',
  description: 'Article 7: on tally sticks',
  priceMinor: 120n,
  atMs: NOW_MS,
};

/** The wallet's first purchase: list state and its voucher. */
export async function firstVoucher(s: Session): Promise<{ list: PurchaseListState; jws: string }> {
  const start = await startPurchaseList(TRANSACTION_ID);
  const list = await appendPurchase(start, { seq: 1, ...ITEM });
  if (typeof list === 'string') throw new Error(list);
  const jws = await createVoucher(s.session, {
    transactionId: TRANSACTION_ID,
    pseudonym: s.pseudonym,
    merchantId: MERCHANT_ID,
    seq: 1,
    cumulativeMinor: list.totalMinor,
    currency: 'EUR',
    purchaseListHash: list.hashHex,
    item: ITEM,
    nowMs: NOW_MS,
  });
  return { list, jws };
}

/** One valid body per message, with who signs it for whom. */
export async function validMessages(s: Session) {
  const { list, jws } = await firstVoucher(s);
  const sessionKey = s.session.publicJwk as InitiationBody['sessionKey'];
  const expiresAtMs = NOW_MS + 600_000;
  const initiation: InitiationBody = {
    purchaseCountExpected: 5,
    depositMinor: DEPOSIT_CUSTOMER_MINOR,
    currency: 'SEK',
    merchantId: MERCHANT_ID,
    merchantOperatorId: MERCHANT_OPERATOR,
    timeoutSeconds: 600,
    sessionKey,
    hashChain: { rootHex: 'ab'.repeat(32), unitPriceMinor: 2n, lengthMax: 1000 },
    offerId: 'offer:articles/7',
  };
  const amendedInitiation: AmendedInitiationBody = {
    transactionId: TRANSACTION_ID,
    depositMinor: DEPOSIT_CUSTOMER_MINOR,
    currency: 'SEK',
    pseudonym: s.pseudonym,
    merchantId: MERCHANT_ID,
    sessionKey,
    expiresAtMs,
    customerOperatorId: CUSTOMER_OPERATOR,
    offerId: 'offer:articles/7',
  };
  const information: InformationBody = {
    transactionId: TRANSACTION_ID,
    merchantId: MERCHANT_ID,
    depositMinor: DEPOSIT_MERCHANT_MINOR,
    currency: 'EUR',
    pseudonym: s.pseudonym,
    sessionKey,
    expiresAtMs,
    rate: RATE,
    offerId: 'offer:articles/7',
  };
  const merchantAck = {
    transactionId: TRANSACTION_ID,
    pseudonym: s.pseudonym,
    depositMinor: DEPOSIT_MERCHANT_MINOR,
    currency: 'EUR',
  };
  const mtaAck: MtaAckBody = {
    transactionId: TRANSACTION_ID,
    rate: RATE,
    depositCustomerMinor: DEPOSIT_CUSTOMER_MINOR,
    customerCurrency: 'SEK',
    depositMerchantMinor: DEPOSIT_MERCHANT_MINOR,
    merchantCurrency: 'EUR',
    expiresAtMs,
  };
  const sessionReady: SessionReadyBody = {
    sessionId: SESSION_ID,
    transactionId: TRANSACTION_ID,
    pseudonym: s.pseudonym,
    merchantId: MERCHANT_ID,
    merchantOperatorId: MERCHANT_OPERATOR,
    rate: RATE,
    depositCustomerMinor: DEPOSIT_CUSTOMER_MINOR,
    customerCurrency: 'SEK',
    depositMerchantMinor: DEPOSIT_MERCHANT_MINOR,
    merchantCurrency: 'EUR',
    expiresAtMs,
  };
  const voucher: VoucherBody = {
    transactionId: TRANSACTION_ID,
    seq: 1,
    cumulativeMinor: list.totalMinor,
    currency: 'EUR',
    purchaseListHash: list.hashHex,
    item: ITEM,
  };
  const terminate: TerminateBody = {
    transactionId: TRANSACTION_ID,
    by: 'customer',
    reason: 'customer_stop',
    lastSeq: 1,
  };
  const record: CustomerRecordBody = {
    transactionId: TRANSACTION_ID,
    purchaseCount: 1,
    totalMinor: list.totalMinor,
    currency: 'EUR',
    purchaseListHash: list.hashHex,
    lastSeq: 1,
    lastVoucher: jws,
  };
  const clearing: ClearingBody = {
    transactionId: TRANSACTION_ID,
    outcome: 'agreed',
    reason: 'records_match',
    voucherSeq: 1,
    rate: RATE,
    depositCustomerMinor: DEPOSIT_CUSTOMER_MINOR,
    customerCurrency: 'SEK',
    depositMerchantMinor: DEPOSIT_MERCHANT_MINOR,
    merchantCurrency: 'EUR',
    clearedMerchantMinor: 120n,
    // ceil(120 / 0.0874) = ceil(1372.99...) = 1373
    clearedCustomerMinor: 1373n,
    releasedCustomerMinor: 8627n,
    feeMinor: 0n,
  };
  const party = (key: SigningKey, iss: string, aud: string): Party => ({ key, iss, aud });
  return {
    list,
    voucherJws: jws,
    bodies: {
      initiation,
      amendedInitiation,
      information,
      merchantAck,
      mtaAck,
      sessionReady,
      voucher,
      terminate,
      customerRecord: record,
      merchantRecord: record,
      clearing,
    },
    parties: {
      initiation: party(s.customer, CUSTOMER_ACCOUNT, CUSTOMER_OPERATOR),
      amendedInitiation: party(s.am, CUSTOMER_OPERATOR, MERCHANT_OPERATOR),
      information: party(s.mta, MERCHANT_OPERATOR, MERCHANT_ID),
      merchantAck: party(s.merchant, MERCHANT_ID, MERCHANT_OPERATOR),
      mtaAck: party(s.mta, MERCHANT_OPERATOR, CUSTOMER_OPERATOR),
      sessionReady: party(s.am, CUSTOMER_OPERATOR, CUSTOMER_ACCOUNT),
      voucher: party(s.session, s.pseudonym, MERCHANT_ID),
      terminate: party(s.session, s.pseudonym, MERCHANT_ID),
      customerRecord: party(s.session, s.pseudonym, MERCHANT_OPERATOR),
      merchantRecord: party(s.merchant, MERCHANT_ID, MERCHANT_OPERATOR),
      clearing: party(s.mta, MERCHANT_OPERATOR, CUSTOMER_OPERATOR),
    },
  };
}
