import {
  CustomerRecordMessage,
  generatePseudonym,
  InitiationMessage,
  importVerificationKey,
  type KeyResolver,
  MtaAckMessage,
  type SigningKey,
  signAmendedInitiation,
  signSessionReady,
  verifyTyped,
} from '@tallystick/protocol';
import { applyFault, type CallLog, type Fault, operatorDocument } from './fake-parties.ts';
import { bearer, envelope, field, type JsonAnswer, type JsonRequest } from './http-server.ts';

export interface FakeAmDeps {
  readonly operatorId: string;
  readonly currency: string;
  readonly key: SigningKey;
  readonly customer: { readonly id: string; readonly apiKey: string };
  /** Resolves the customer's and the MTA's keys. */
  readonly resolveKey: KeyResolver;
  readonly mtaUrl: () => string;
  readonly faults: Fault[];
  readonly calls: CallLog[];
}

interface AmTransaction {
  readonly transactionId: string;
  readonly pseudonym: string;
  readonly sessionKey: Awaited<ReturnType<typeof importVerificationKey>>;
  readonly depositMinor: bigint;
}

/** The AM role of docs/trading-sessions.md, without a ledger: logon, initiation, record relay. */
export function createFakeAm(deps: FakeAmDeps) {
  const sessions = new Map<string, number>(); // session id -> transactions opened
  const answers = new Map<string, JsonAnswer>(); // initiation JWS -> first answer (retries get it again)
  const transactions = new Map<string, AmTransaction>();
  let logons = 0;

  const postMta = async (path: string, body: unknown) => {
    const response = await fetch(new URL(path, deps.mtaUrl()), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };

  const initiate = async (sessionId: string, req: JsonRequest): Promise<JsonAnswer> => {
    const jws = field(req, 'initiation');
    const earlier = answers.get(jws);
    if (earlier) return earlier;
    const initiation = await verifyTyped(jws, InitiationMessage, {
      resolveKey: deps.resolveKey,
      audience: deps.operatorId,
    });
    if (initiation.iss !== deps.customer.id) return { status: 403, body: envelope('forbidden') };
    const b = initiation.body;
    const seq = (sessions.get(sessionId) ?? 0) + 1;
    sessions.set(sessionId, seq);
    const transactionId = `${sessionId}.${seq}`;
    const pseudonym = generatePseudonym();
    const expiresAtMs = Date.now() + b.timeoutSeconds * 1000;
    const amendedInitiation = await signAmendedInitiation(
      deps.key,
      { iss: deps.operatorId, aud: b.merchantOperatorId },
      {
        transactionId,
        depositMinor: b.depositMinor,
        currency: b.currency,
        pseudonym,
        merchantId: b.merchantId,
        sessionKey: b.sessionKey,
        expiresAtMs,
        customerOperatorId: deps.operatorId,
        offerId: b.offerId,
        ...(b.hashChain ? { hashChain: b.hashChain } : {}),
      },
    );
    const mta = await postMta('/v1/mta/transactions', { amendedInitiation });
    if (mta.status !== 201) return { status: mta.status === 400 ? 400 : 502, body: mta.body };
    const ack = await verifyTyped(mta.body.mtaAck ?? '', MtaAckMessage, {
      resolveKey: deps.resolveKey,
      audience: deps.operatorId,
    });
    transactions.set(transactionId, {
      transactionId,
      pseudonym,
      sessionKey: await importVerificationKey(b.sessionKey),
      depositMinor: b.depositMinor,
    });
    const sessionReady = await signSessionReady(
      deps.key,
      { iss: deps.operatorId, aud: deps.customer.id },
      {
        sessionId,
        transactionId,
        pseudonym,
        merchantId: b.merchantId,
        merchantOperatorId: b.merchantOperatorId,
        rate: ack.body.rate,
        depositCustomerMinor: b.depositMinor,
        customerCurrency: b.currency,
        depositMerchantMinor: ack.body.depositMerchantMinor,
        merchantCurrency: ack.body.merchantCurrency,
        expiresAtMs: ack.body.expiresAtMs,
      },
    );
    const answer = { status: 201, body: { transactionId, sessionReady } };
    answers.set(jws, answer);
    return answer;
  };

  const customerRecord = async (tx: AmTransaction, req: JsonRequest): Promise<JsonAnswer> => {
    // The AM checks the record under the session key, then relays the JWS unchanged.
    await verifyTyped(field(req, 'record'), CustomerRecordMessage, {
      resolveKey: async (kid) =>
        kid === tx.sessionKey.kid ? { key: tx.sessionKey, issuer: tx.pseudonym } : undefined,
      audience: 'op-b',
      transactionId: tx.transactionId,
    });
    const relayed = await postMta(`/v1/mta/transactions/${tx.transactionId}/customer-record`, {
      record: field(req, 'record'),
    });
    return { status: relayed.status, body: relayed.body };
  };

  const route = async (req: JsonRequest): Promise<JsonAnswer> => {
    deps.calls.push({ method: req.method, path: req.path });
    const fault = await applyFault(deps.faults, req);
    if (fault) return fault;
    if (req.method === 'GET' && req.path === '/.well-known/tally/operator.json') {
      return operatorDocument(deps.operatorId, deps.currency, deps.key);
    }
    if (bearer(req) !== deps.customer.apiKey) return { status: 401, body: envelope('unauthenticated') };
    if (req.method === 'POST' && req.path === '/v1/am/sessions') {
      const sessionId = `${deps.operatorId}.${++logons}`;
      sessions.set(sessionId, 0);
      return { status: 201, body: { sessionId } };
    }
    const open = /^\/v1\/am\/sessions\/([^/]+)\/transactions$/.exec(req.path);
    if (req.method === 'POST' && open) {
      if (!sessions.has(open[1] ?? '')) return { status: 404, body: envelope('session_not_found') };
      return initiate(open[1] ?? '', req);
    }
    const txMatch = /^\/v1\/am\/transactions\/([^/]+)(\/customer-record)?$/.exec(req.path);
    const tx = txMatch ? transactions.get(txMatch[1] ?? '') : undefined;
    if (!txMatch || !tx) return { status: 404, body: envelope('transaction_not_found') };
    if (req.method === 'POST' && txMatch[2]) return customerRecord(tx, req);
    if (req.method === 'GET' && !txMatch[2])
      return { status: 200, body: { transactionId: tx.transactionId, status: 'open' } };
    return { status: 404, body: envelope('not_found') };
  };

  return { route, transactions, logons: () => logons };
}
