import {
  appendPurchase,
  createVoucher,
  decodeBody,
  generateSigningKey,
  type PurchaseListState,
  type SessionReadyBody,
  SessionReadyMessage,
  type SigningKey,
  signCustomerRecord,
  signInitiation,
  startPurchaseList,
} from '@tallystick/protocol';
import { base64url } from 'jose';
import type { HttpAnswer, PartyHandle, TradingNode } from './trading-node.ts';

export interface WalletTransaction {
  readonly transactionId: string;
  readonly ready: SessionReadyBody;
  readonly sessionKey: SigningKey;
  list: PurchaseListState;
  lastVoucher: string | undefined;
}

export interface InitiationTerms {
  readonly depositMinor: bigint;
  readonly merchantId: string;
  readonly merchantOperatorId: string;
  readonly timeoutSeconds?: number;
  readonly currency?: string;
}

/**
 * A minimal wallet from the protocol functions (the wallet SDK is written
 * elsewhere): logs on at its AM, signs initiations, keeps the purchase list,
 * signs vouchers and its transaction record.
 */
export function testWallet(am: TradingNode, customer: PartyHandle) {
  const asCustomer = { apiKey: customer.apiKey };
  return {
    customer,
    async openSession(): Promise<string> {
      const answer = await am.request('POST', '/v1/am/sessions', { ...asCustomer, body: {} });
      if (answer.status !== 201) throw new Error(`log-on failed: ${JSON.stringify(answer.body)}`);
      return answer.body.sessionId;
    },
    /** Signs an initiation; `sign` may alter the JWS (tests of refusals). */
    async signInitiation(terms: InitiationTerms, sessionKey: SigningKey, nowMs?: number): Promise<string> {
      return signInitiation(
        customer.key,
        { iss: customer.id, aud: am.id, ...(nowMs !== undefined ? { nowMs } : {}) },
        {
          purchaseCountExpected: 10,
          depositMinor: terms.depositMinor,
          currency: terms.currency ?? am.currency,
          merchantId: terms.merchantId,
          merchantOperatorId: terms.merchantOperatorId,
          timeoutSeconds: terms.timeoutSeconds ?? 600,
          sessionKey: sessionKey.publicJwk as never,
          offerId: 'offer:articles',
        },
      );
    },
    async submitInitiation(sessionId: string, initiation: string): Promise<HttpAnswer> {
      return am.request('POST', `/v1/am/sessions/${sessionId}/transactions`, {
        ...asCustomer,
        body: { initiation },
      });
    },
    /** Opens a transaction end to end; throws unless the AM answers 201. */
    async initiate(sessionId: string, terms: InitiationTerms): Promise<WalletTransaction> {
      const sessionKey = await generateSigningKey();
      const answer = await this.submitInitiation(sessionId, await this.signInitiation(terms, sessionKey));
      if (answer.status !== 201)
        throw new Error(`initiation failed: ${answer.status} ${JSON.stringify(answer.body)}`);
      const transactionId: string = answer.body.transactionId;
      return {
        transactionId,
        ready: readSessionReady(answer.body.sessionReady),
        sessionKey,
        list: await startPurchaseList(transactionId),
        lastVoucher: undefined,
      };
    },
    /** The next voucher for one more purchase at `priceMinor`; the list advances. */
    async buy(t: WalletTransaction, priceMinor: bigint, key: SigningKey = t.sessionKey): Promise<string> {
      const item = {
        sku: `sku-${t.list.count + 1}`,
        description: 'an article',
        priceMinor,
        atMs: Date.now(),
      };
      const list = await appendPurchase(t.list, { seq: t.list.count + 1, ...item });
      if (typeof list === 'string') throw new Error(list);
      const voucher = await createVoucher(key, {
        transactionId: t.transactionId,
        pseudonym: t.ready.pseudonym,
        merchantId: t.ready.merchantId,
        seq: list.count,
        cumulativeMinor: list.totalMinor,
        currency: t.ready.merchantCurrency,
        purchaseListHash: list.hashHex,
        item,
      });
      t.list = list;
      t.lastVoucher = voucher;
      return voucher;
    },
    async record(t: WalletTransaction, overrides: { totalMinor?: bigint } = {}): Promise<string> {
      return signCustomerRecord(
        t.sessionKey,
        { iss: t.ready.pseudonym, aud: t.ready.merchantOperatorId },
        {
          transactionId: t.transactionId,
          purchaseCount: t.list.count,
          totalMinor: overrides.totalMinor ?? t.list.totalMinor,
          currency: t.ready.merchantCurrency,
          purchaseListHash: t.list.hashHex,
          lastSeq: t.list.count,
          ...(t.lastVoucher !== undefined ? { lastVoucher: t.lastVoucher } : {}),
        },
      );
    },
    async handIn(t: WalletTransaction, record: string): Promise<HttpAnswer> {
      return am.request('POST', `/v1/am/transactions/${t.transactionId}/customer-record`, {
        ...asCustomer,
        body: { record },
      });
    },
    async view(transactionId: string): Promise<HttpAnswer> {
      return am.request('GET', `/v1/am/transactions/${transactionId}`, asCustomer);
    },
  };
}

export type TestWallet = ReturnType<typeof testWallet>;

/** The wallet reads session ready's body (the AM's signature is checked in the AM's own tests). */
function readSessionReady(jws: string): SessionReadyBody {
  const payload = JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[1] ?? '')));
  return decodeBody(SessionReadyMessage, payload.body);
}
