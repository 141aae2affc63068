import {
  AmendedInitiationMessage,
  type CustomerRecordBody,
  CustomerRecordMessage,
  importVerificationKey,
  type KeyResolver,
  MerchantAckMessage,
  type MerchantRecordBody,
  MerchantRecordMessage,
  type Rate,
  type SigningKey,
  signInformation,
  signMtaAck,
  toMerchantDeposit,
  verifyTyped,
} from '@tallystick/protocol';
import { applyFault, type CallLog, type Fault, operatorDocument } from './fake-parties.ts';
import { bearer, envelope, field, type JsonAnswer, type JsonRequest } from './http-server.ts';

interface MtaTransaction {
  readonly transactionId: string;
  readonly pseudonym: string;
  readonly sessionKey: Awaited<ReturnType<typeof importVerificationKey>>;
  readonly depositMerchantMinor: bigint;
  customerRecord?: { jws: string; body: CustomerRecordBody };
  merchantRecord?: { jws: string; body: MerchantRecordBody };
  clearing?: { outcome: string; clearedMerchantMinor: string };
}

export interface FakeMtaDeps {
  readonly operatorId: string;
  readonly currency: string;
  readonly key: SigningKey;
  readonly rate: Rate;
  /** Resolves the AM's and the merchant's keys. */
  readonly resolveKey: KeyResolver;
  readonly merchant: { readonly id: string; readonly apiKey: string };
  merchantEndpointUrl: string;
  readonly faults: Fault[];
  readonly calls: CallLog[];
}

/** The MTA role of docs/trading-sessions.md, just enough to drive the SDKs: signed messages, records, a clearing verdict. */
export function createFakeMta(deps: FakeMtaDeps) {
  const transactions = new Map<string, MtaTransaction>();

  const openTransaction = async (req: JsonRequest): Promise<JsonAnswer> => {
    const amended = await verifyTyped(field(req, 'amendedInitiation'), AmendedInitiationMessage, {
      resolveKey: deps.resolveKey,
      audience: deps.operatorId,
    });
    const a = amended.body;
    const rate: Rate = { ...deps.rate, base: a.currency };
    const depositMinor = toMerchantDeposit(a.depositMinor, rate);
    if (typeof depositMinor !== 'bigint') return { status: 400, body: envelope(depositMinor) };
    const information = await signInformation(
      deps.key,
      { iss: deps.operatorId, aud: a.merchantId },
      {
        transactionId: a.transactionId,
        merchantId: a.merchantId,
        depositMinor,
        currency: deps.currency,
        pseudonym: a.pseudonym,
        sessionKey: a.sessionKey,
        expiresAtMs: a.expiresAtMs,
        rate,
        offerId: a.offerId,
        ...(a.hashChain ? { hashChain: a.hashChain } : {}),
      },
    );
    const response = await fetch(deps.merchantEndpointUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ information }),
    }).catch(() => undefined);
    if (!response?.ok)
      return { status: 502, body: envelope('merchant_refused', `merchant answered ${response?.status}`) };
    const ack = await verifyTyped(
      ((await response.json()) as { merchantAck: string }).merchantAck,
      MerchantAckMessage,
      {
        resolveKey: deps.resolveKey,
        audience: deps.operatorId,
      },
    );
    if (ack.iss !== deps.merchant.id || ack.body.depositMinor !== depositMinor) {
      return { status: 502, body: envelope('merchant_ack_invalid') };
    }
    transactions.set(a.transactionId, {
      transactionId: a.transactionId,
      pseudonym: a.pseudonym,
      sessionKey: await importVerificationKey(a.sessionKey),
      depositMerchantMinor: depositMinor,
    });
    const mtaAck = await signMtaAck(
      deps.key,
      { iss: deps.operatorId, aud: amended.iss },
      {
        transactionId: a.transactionId,
        rate,
        depositCustomerMinor: a.depositMinor,
        customerCurrency: a.currency,
        depositMerchantMinor: depositMinor,
        merchantCurrency: deps.currency,
        expiresAtMs: a.expiresAtMs,
      },
    );
    return { status: 201, body: { mtaAck } };
  };

  const customerRecord = async (tx: MtaTransaction, req: JsonRequest): Promise<JsonAnswer> => {
    if (tx.customerRecord) {
      return tx.customerRecord.jws === field(req, 'record')
        ? accepted(tx)
        : { status: 409, body: envelope('record_exists') };
    }
    const record = await verifyTyped(field(req, 'record'), CustomerRecordMessage, {
      resolveKey: async (kid) =>
        kid === tx.sessionKey.kid ? { key: tx.sessionKey, issuer: tx.pseudonym } : undefined,
      audience: deps.operatorId,
      transactionId: tx.transactionId,
    });
    tx.customerRecord = { jws: field(req, 'record'), body: record.body };
    return accepted(tx);
  };

  const merchantRecord = async (tx: MtaTransaction, req: JsonRequest): Promise<JsonAnswer> => {
    if (bearer(req) !== deps.merchant.apiKey) return { status: 401, body: envelope('unauthenticated') };
    if (tx.merchantRecord) {
      return tx.merchantRecord.jws === field(req, 'record')
        ? accepted(tx)
        : { status: 409, body: envelope('record_exists') };
    }
    const record = await verifyTyped(field(req, 'record'), MerchantRecordMessage, {
      resolveKey: deps.resolveKey,
      audience: deps.operatorId,
      transactionId: tx.transactionId,
    });
    if (record.iss !== deps.merchant.id) return { status: 403, body: envelope('forbidden') };
    tx.merchantRecord = { jws: field(req, 'record'), body: record.body };
    return accepted(tx);
  };

  const route = async (req: JsonRequest): Promise<JsonAnswer> => {
    deps.calls.push({ method: req.method, path: req.path });
    const fault = await applyFault(deps.faults, req);
    if (fault) return fault;
    if (req.method === 'GET' && req.path === '/.well-known/tally/operator.json') {
      return operatorDocument(deps.operatorId, deps.currency, deps.key);
    }
    if (req.method === 'POST' && req.path === '/v1/mta/transactions') return openTransaction(req);
    const match = /^\/v1\/mta\/transactions\/([^/]+)(?:\/(customer-record|merchant-record))?$/.exec(req.path);
    const tx = match ? transactions.get(match[1] ?? '') : undefined;
    if (!match || !tx) return { status: 404, body: envelope('not_found') };
    if (req.method === 'POST' && match[2] === 'customer-record') return customerRecord(tx, req);
    if (req.method === 'POST' && match[2] === 'merchant-record') return merchantRecord(tx, req);
    if (req.method === 'GET' && !match[2]) {
      if (bearer(req) !== deps.merchant.apiKey) return { status: 401, body: envelope('unauthenticated') };
      return { status: 200, body: view(tx) };
    }
    return { status: 404, body: envelope('not_found') };
  };

  return { route, transactions, view };
}

/** Both records in: equal -> agreed, else what the newest voucher proves (here: the customer's total). */
function accepted(tx: MtaTransaction): JsonAnswer {
  if (tx.customerRecord && tx.merchantRecord && !tx.clearing) {
    const c = tx.customerRecord.body;
    const m = tx.merchantRecord.body;
    const agreed =
      c.purchaseCount === m.purchaseCount &&
      c.totalMinor === m.totalMinor &&
      c.purchaseListHash === m.purchaseListHash &&
      c.lastSeq === m.lastSeq;
    const newest = c.lastSeq >= m.lastSeq ? c : m;
    tx.clearing = {
      outcome: agreed ? 'agreed' : 'customer_vouchers',
      clearedMerchantMinor: newest.totalMinor.toString(),
    };
  }
  return { status: 202, body: { status: tx.clearing ? 'cleared' : 'received' } };
}

function view(tx: MtaTransaction) {
  return {
    transactionId: tx.transactionId,
    status: tx.clearing ? 'cleared' : 'open',
    ...(tx.clearing ? { clearing: tx.clearing } : {}),
  };
}
