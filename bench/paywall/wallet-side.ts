/*
 * The runner's wallet side: sessions (information messages as the MTA would
 * sign them), a hash chain, and payment headers signed ahead of the load so
 * the load generator only sends bytes. Like the paying fetch, the headers
 * leave out the optional `resource`. One voucher transaction and one
 * hash-chain transaction per connection, each paid strictly in order. Vouchers are signed with node:crypto
 * in the exact format of `createVoucher` (the merchant cannot tell).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import {
  encodePaymentHeader,
  encodePurchase,
  generatePseudonym,
  generateSigningKey,
  PaywordChain,
  type PublicJwk,
  type SigningKey,
  signInformation,
  startPurchaseList,
  tallyRequirements,
} from '@tallystick/protocol';
import { calculateJwkThumbprint } from 'jose';
import { CURRENCY, DEPOSIT_MINOR, MERCHANT_ID, MTA_ID, OFFER_ID, PRICE_MINOR, ROUTE } from './model.ts';

interface VoucherLane {
  readonly transactionId: string;
  readonly pseudonym: string;
  readonly privateKey: KeyObject;
  readonly header: string;
  seq: number;
  listHash: string;
}

export interface BenchSessions {
  readonly mtaPublicJwk: Record<string, unknown>;
  readonly informations: string[];
  voucherHeaders(count: number): string[];
  paywordHeaders(count: number): string[];
}

const offer = (scheme: 'tally-voucher' | 'tally-payword') =>
  tallyRequirements({
    scheme,
    operatorId: MTA_ID,
    merchantId: MERCHANT_ID,
    currency: CURRENCY,
    amountMinor: PRICE_MINOR,
    offerId: OFFER_ID,
    sku: ROUTE,
    unitPriceMinor: PRICE_MINOR,
    units: 1,
    maxTimeoutSeconds: 300,
  });

export async function openBenchSessions(options: {
  lanes: number;
  chainLength: number;
}): Promise<BenchSessions> {
  const base = await generateSigningKey('ES256');
  const mtaKey: SigningKey = {
    ...base,
    kid: `${MTA_ID}:${base.kid}`,
    publicJwk: { ...base.publicJwk, kid: `${MTA_ID}:${base.kid}` },
  };
  const informations: string[] = [];
  const lanes: VoucherLane[] = [];
  const inform = (transactionId: string, pseudonym: string, sessionKey: PublicJwk, chain?: PaywordChain) =>
    signInformation(
      mtaKey,
      { iss: MTA_ID, aud: MERCHANT_ID },
      {
        transactionId,
        merchantId: MERCHANT_ID,
        depositMinor: DEPOSIT_MINOR,
        currency: CURRENCY,
        pseudonym,
        sessionKey: sessionKey as never,
        expiresAtMs: Date.now() + 3_600_000,
        rate: { base: 'SEK', quote: CURRENCY, numerator: 1n, denominator: 10n },
        offerId: OFFER_ID,
        ...(chain
          ? { hashChain: { rootHex: chain.rootHex, unitPriceMinor: PRICE_MINOR, lengthMax: chain.lengthMax } }
          : {}),
      },
    );
  for (let i = 1; i <= options.lanes; i++) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as PublicJwk & { x: string; y: string };
    const jwk = { kty, crv, x, y } as PublicJwk;
    const kid = await calculateJwkThumbprint(jwk);
    const transactionId = `op-a.1.${i}`;
    const pseudonym = generatePseudonym();
    informations.push(await inform(transactionId, pseudonym, jwk));
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid, typ: 'tally+jws' })).toString('base64url');
    lanes.push({
      transactionId,
      pseudonym,
      privateKey,
      header,
      seq: 0,
      listHash: (await startPurchaseList(transactionId)).hashHex,
    });
  }
  const chains: { transactionId: string; chain: PaywordChain; index: number }[] = [];
  for (let i = 1; i <= options.lanes; i++) {
    const chain = new PaywordChain({ lengthMax: options.chainLength });
    const key = await generateSigningKey('ES256');
    chains.push({ transactionId: `op-a.2.${i}`, chain, index: 0 });
    informations.push(await inform(`op-a.2.${i}`, generatePseudonym(), key.publicJwk as PublicJwk, chain));
  }

  const voucherOffer = offer('tally-voucher');
  const paywordOffer = offer('tally-payword');
  let nextLane = 0;
  let nextChain = 0;
  return {
    mtaPublicJwk: mtaKey.publicJwk as Record<string, unknown>,
    informations,
    voucherHeaders(count) {
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const lane = lanes[nextLane++ % lanes.length] as VoucherLane;
        out.push(
          encodePaymentHeader({
            x402Version: 2,
            accepted: voucherOffer,
            payload: { voucher: signVoucher(lane) },
          }),
        );
      }
      return out;
    },
    paywordHeaders(count) {
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const lane = chains[nextChain++ % chains.length] as (typeof chains)[number];
        const index = ++lane.index;
        const payload = {
          transactionId: lane.transactionId,
          index,
          units: 1,
          preimage: lane.chain.preimageHex(index),
        };
        out.push(encodePaymentHeader({ x402Version: 2, accepted: paywordOffer, payload }));
      }
      return out;
    },
  };
}

/** The next voucher of a lane, byte for byte what `createVoucher` would sign. */
function signVoucher(lane: VoucherLane): string {
  const seq = ++lane.seq;
  const atMs = Date.now();
  const item = { sku: ROUTE, description: '', priceMinor: PRICE_MINOR, atMs };
  lane.listHash = createHash('sha256')
    .update(Buffer.from(lane.listHash, 'hex'))
    .update(encodePurchase({ seq, ...item }))
    .digest('hex');
  const claims = {
    mty: 'tally.voucher',
    iss: lane.pseudonym,
    aud: MERCHANT_ID,
    iat: Math.floor(atMs / 1000),
    jti: randomUUID(),
    txn: lane.transactionId,
    body: {
      transactionId: lane.transactionId,
      seq,
      cumulativeMinor: String(BigInt(seq) * PRICE_MINOR),
      currency: CURRENCY,
      purchaseListHash: lane.listHash,
      item: { ...item, priceMinor: String(PRICE_MINOR) },
    },
  };
  const input = `${lane.header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(input), { key: lane.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
