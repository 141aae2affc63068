import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  generateSigningKey,
  type InformationBody,
  InformationMessage,
  importVerificationKey,
  type KeyResolver,
  type PurchaseListState,
  type SigningKey,
  signMerchantAck,
  signMerchantRecord,
  startPurchaseList,
  type VerificationKey,
  type VerifiedVoucher,
  type VoucherError,
  verifyTyped,
  verifyVoucher,
} from '@tallystick/protocol';
import { OPERATOR_DOCUMENT_PATH } from '../../src/federation/directory.ts';
import { importOperatorPublicKey } from '../../src/federation/operator-key.ts';

/** How the test merchant answers an information message. */
export type MerchantMode = 'accept' | 'refuse' | 'bad_ack' | 'crash';

export interface MerchantSession {
  readonly information: InformationBody;
  readonly sessionKey: VerificationKey;
  list: PurchaseListState;
  lastSeq: number;
  lastVoucher: string | undefined;
}

/**
 * A minimal merchant built from the protocol functions alone (the merchant
 * SDK is written elsewhere): answers the MTA's information message with a
 * signed ack, checks vouchers locally, and signs its transaction record.
 */
export interface TestMerchant {
  readonly endpointUrl: string;
  readonly key: SigningKey;
  mode: MerchantMode;
  readonly sessions: Map<string, MerchantSession>;
  /** After registration at the MTA. */
  register(id: string, apiKey: string): void;
  readonly id: string;
  readonly apiKey: string;
  accept(transactionId: string, voucher: string): Promise<VerifiedVoucher | VoucherError>;
  record(transactionId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestMerchant(mta: {
  readonly id: string;
  readonly url: string;
}): Promise<TestMerchant> {
  const key = await generateSigningKey();
  let identity: { id: string; apiKey: string } | undefined;
  const sessions = new Map<string, MerchantSession>();
  const resolveMtaKey = await mtaKeyResolver(mta);
  const self = (): { id: string; apiKey: string } => {
    if (!identity) throw new Error('test merchant is not registered yet');
    return identity;
  };

  const onInformation = async (payload: unknown): Promise<{ status: number; body: unknown }> => {
    if (merchant.mode === 'refuse')
      return { status: 403, body: { error: { code: 'not_today', message: 'no' } } };
    if (merchant.mode === 'crash') return { status: 500, body: {} };
    const jws = (payload as { information?: unknown }).information;
    if (typeof jws !== 'string') return { status: 400, body: {} };
    const { body } = await verifyTyped(jws, InformationMessage, {
      resolveKey: resolveMtaKey,
      audience: self().id,
    });
    sessions.set(body.transactionId, {
      information: body,
      sessionKey: await importVerificationKey(body.sessionKey),
      list: await startPurchaseList(body.transactionId),
      lastSeq: 0,
      lastVoucher: undefined,
    });
    const depositMinor = merchant.mode === 'bad_ack' ? body.depositMinor + 1n : body.depositMinor;
    const merchantAck = await signMerchantAck(
      key,
      { iss: self().id, aud: mta.id },
      { transactionId: body.transactionId, pseudonym: body.pseudonym, depositMinor, currency: body.currency },
    );
    return { status: 200, body: { merchantAck } };
  };

  const server = createServer((request, response) => {
    readJson(request)
      .then(onInformation)
      .catch(() => ({ status: 400, body: {} }))
      .then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpointUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tally`;

  const merchant: TestMerchant = {
    endpointUrl,
    key,
    mode: 'accept',
    sessions,
    register(id, apiKey) {
      identity = { id, apiKey };
    },
    get id() {
      return self().id;
    },
    get apiKey() {
      return self().apiKey;
    },
    async accept(transactionId, voucher) {
      const session = sessionOf(sessions, transactionId);
      const verified = await verifyVoucher(voucher, {
        sessionKey: session.sessionKey,
        transactionId,
        pseudonym: session.information.pseudonym,
        merchantId: self().id,
        currency: session.information.currency,
        depositMinor: session.information.depositMinor,
        lastSeq: session.lastSeq,
        lastCumulativeMinor: session.list.totalMinor,
        purchaseList: session.list,
      });
      if (typeof verified === 'string') return verified;
      session.list = verified.purchaseList ?? session.list;
      session.lastSeq = verified.seq;
      session.lastVoucher = voucher;
      return verified;
    },
    async record(transactionId) {
      const session = sessionOf(sessions, transactionId);
      return signMerchantRecord(
        key,
        { iss: self().id, aud: mta.id },
        {
          transactionId,
          purchaseCount: session.list.count,
          totalMinor: session.list.totalMinor,
          currency: session.information.currency,
          purchaseListHash: session.list.hashHex,
          lastSeq: session.lastSeq,
          ...(session.lastVoucher !== undefined ? { lastVoucher: session.lastVoucher } : {}),
        },
      );
    },
    close: () => closeServer(server),
  };
  return merchant;
}

function sessionOf(sessions: Map<string, MerchantSession>, transactionId: string): MerchantSession {
  const session = sessions.get(transactionId);
  if (!session) throw new Error(`the test merchant knows no session ${transactionId}`);
  return session;
}

/** The MTA's published keys, read once from its operator document. */
async function mtaKeyResolver(mta: { readonly id: string; readonly url: string }): Promise<KeyResolver> {
  const keys = new Map<string, VerificationKey>();
  return async (kid) => {
    if (!keys.has(kid)) {
      const document = (await (await fetch(`${mta.url}${OPERATOR_DOCUMENT_PATH}`)).json()) as {
        keys: object[];
      };
      for (const jwk of document.keys) {
        const key = await importOperatorPublicKey(mta.id, jwk);
        keys.set(key.kid, key);
      }
    }
    const key = keys.get(kid);
    return key && { key, issuer: mta.id };
  };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
