import {
  appendPurchase,
  createVoucher,
  generatePseudonym,
  generateSigningKey,
  type PurchaseListState,
  type SigningKey,
  signInformation,
  startPurchaseList,
  type VoucherItem,
} from '@tallystick/protocol';
import { createMerchant, type MerchantStore } from '../../src/index.ts';
import { TEST_RATE } from './fake-network.ts';
import { operatorKey } from './fake-parties.ts';

export const MERCHANT_ID = 'shop-1';
export const MTA_ID = 'op-b';

/** A merchant whose MTA is simulated in-process: its operator document is served by an injected fetch. */
export async function merchantFixture(
  store: MerchantStore,
  options: {
    readonly clock?: () => Date;
    /** Plays the rest of the MTA's API; the operator document is always served. */
    readonly mta?: (request: Request) => Promise<Response>;
    readonly retriesMax?: number;
  } = {},
) {
  const mtaKey = await operatorKey(MTA_ID);
  const merchantKey = await generateSigningKey('ES256');
  let documentFetches = 0;
  const fetchStub: typeof fetch = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (options.mta && url.pathname !== '/.well-known/tally/operator.json')
      return options.mta(new Request(url, init));
    if (url.pathname === '/.well-known/tally/operator.json') {
      documentFetches++;
      return Response.json({ operatorId: MTA_ID, currency: 'EUR', keys: [mtaKey.publicJwk] });
    }
    return Response.json(
      { error: { code: 'not_found', message: 'no such route' }, requestId: 'r' },
      { status: 404 },
    );
  };
  const merchant = createMerchant({
    merchantId: MERCHANT_ID,
    operatorId: MTA_ID,
    mtaBaseUrl: 'http://mta.invalid',
    apiKey: 'tsk_mer-bbbbbbbbbbbbbbbb_secret',
    merchantKey,
    store,
    fetch: fetchStub,
    retriesMax: options.retriesMax ?? 0,
    retryDelayMs: 1,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  let transactions = 0;

  /** What the MTA would send for a new transaction: signs the information message. */
  const information = async (
    overrides: {
      transactionId?: string;
      depositMinor?: bigint;
      expiresAtMs?: number;
      key?: SigningKey;
      aud?: string;
      hashChain?: { rootHex: string; unitPriceMinor: bigint; lengthMax: number };
    } = {},
  ) => {
    const sessionKey = await generateSigningKey('ES256');
    const pseudonym = generatePseudonym();
    const transactionId = overrides.transactionId ?? `op-a.1.${++transactions}`;
    const depositMinor = overrides.depositMinor ?? 1_000n;
    const jws = await signInformation(
      overrides.key ?? mtaKey,
      { iss: MTA_ID, aud: overrides.aud ?? MERCHANT_ID },
      {
        transactionId,
        merchantId: overrides.aud ?? MERCHANT_ID,
        depositMinor,
        currency: 'EUR',
        pseudonym,
        sessionKey: sessionKey.publicJwk as never,
        expiresAtMs: overrides.expiresAtMs ?? Date.now() + 600_000,
        rate: TEST_RATE,
        offerId: 'articles',
        ...(overrides.hashChain ? { hashChain: overrides.hashChain } : {}),
      },
    );
    return { jws, transactionId, pseudonym, sessionKey, depositMinor };
  };

  /** A stored session and a wallet-side voucher signer for it. */
  const openSession = async (overrides: Parameters<typeof information>[0] = {}) => {
    const info = await information(overrides);
    const { merchantAck } = await merchant.handleInformation({ information: info.jws });
    return { ...info, merchantAck, wallet: walletSide(info) };
  };

  return { merchant, mtaKey, merchantKey, information, openSession, documentFetches: () => documentFetches };
}

/** Signs vouchers as a wallet would: the purchase list and the cumulative amount. */
export function walletSide(info: { transactionId: string; pseudonym: string; sessionKey: SigningKey }) {
  let list: PurchaseListState | undefined;
  const sign = (state: PurchaseListState, seq: number, item: VoucherItem) =>
    createVoucher(info.sessionKey, {
      transactionId: info.transactionId,
      pseudonym: info.pseudonym,
      merchantId: MERCHANT_ID,
      seq,
      cumulativeMinor: state.totalMinor,
      currency: 'EUR',
      purchaseListHash: state.hashHex,
      item,
    });
  return {
    /** Next voucher; the wallet's list advances. */
    async pay(priceMinor: bigint, sku = 'article') {
      list ??= await startPurchaseList(info.transactionId);
      const item = { sku, description: `${sku} for ${priceMinor}`, priceMinor, atMs: Date.now() };
      const next = await appendPurchase(list, { seq: list.count + 1, ...item });
      if (typeof next === 'string') throw new Error(next);
      list = next;
      return sign(next, next.count, item);
    },
    /** A voucher for the next seq without advancing the list: for racing several on one seq. */
    async candidate(priceMinor: bigint, sku: string) {
      const base = list ?? (await startPurchaseList(info.transactionId));
      const item = { sku, description: sku, priceMinor, atMs: Date.now() };
      const next = await appendPurchase(base, { seq: base.count + 1, ...item });
      if (typeof next === 'string') throw new Error(next);
      return sign(next, next.count, item);
    },
    list: () => list,
  };
}
