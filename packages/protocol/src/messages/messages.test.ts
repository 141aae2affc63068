import { base64url } from 'jose';
import { type TSchema, Type } from 'typebox';
import { DecodeUnsafe, EncodeUnsafe } from 'typebox/value';
import { beforeAll, describe, expect, it } from 'vitest';
import { importVerificationKey } from '../jws/keys.ts';
import { signMessage } from '../jws/message.ts';
import {
  MERCHANT_OPERATOR,
  makeSession,
  NOW_MS,
  type Session,
  TRANSACTION_ID,
  validMessages,
} from '../testing/fixtures.ts';
import { MerchantAckMessage, MtaAckMessage, signMerchantAck, signMtaAck } from './acknowledgements.ts';
import { AmendedInitiationMessage, signAmendedInitiation } from './amended-initiation.ts';
import { ClearingMessage, signClearing } from './clearing.ts';
import { planCodecs } from './codec-plan.ts';
import { decodeBody, encodeBody, type MessageDefinition, signTyped, verifyTyped } from './define.ts';
import { MessageBodyError } from './errors.ts';
import { InformationMessage, signInformation } from './information.ts';
import { InitiationMessage, signInitiation } from './initiation.ts';
import {
  CustomerRecordMessage,
  MerchantRecordMessage,
  signCustomerRecord,
  signMerchantRecord,
} from './records.ts';
import { SessionReadyMessage, signSessionReady } from './session-ready.ts';
import { signTerminate, TerminateMessage } from './terminate.ts';
import { MESSAGE_TYPES } from './types.ts';
import { VoucherMessage } from './voucher.ts';

type Fixture = Awaited<ReturnType<typeof validMessages>>;
type Name = keyof Fixture['bodies'];

const DEFINITIONS: { readonly [k in Name]: MessageDefinition<TSchema> } = {
  initiation: InitiationMessage,
  amendedInitiation: AmendedInitiationMessage,
  information: InformationMessage,
  merchantAck: MerchantAckMessage,
  mtaAck: MtaAckMessage,
  sessionReady: SessionReadyMessage,
  voucher: VoucherMessage,
  terminate: TerminateMessage,
  customerRecord: CustomerRecordMessage,
  merchantRecord: MerchantRecordMessage,
  clearing: ClearingMessage,
};
const NAMES = Object.keys(DEFINITIONS) as Name[];

let session: Session;
let fixture: Fixture;
beforeAll(async () => {
  session = await makeSession();
  fixture = await validMessages(session);
});

function wireOf(name: Name): Record<string, unknown> {
  return encodeBody(DEFINITIONS[name], fixture.bodies[name] as never) as Record<string, unknown>;
}

function bodyErrorOf(fn: () => unknown): MessageBodyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MessageBodyError) return error;
    throw error;
  }
  throw new Error('expected a MessageBodyError');
}

/** Sets `path` (dotted) in a deep copy of `wire`; `undefined` deletes. */
function withField(wire: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(wire);
  const keys = path.split('.');
  const last = keys.pop() as string;
  let target = copy;
  for (const key of keys) target = target[key] as Record<string, unknown>;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

describe('the codec plan (codec-plan.ts)', () => {
  it.each(NAMES)('%s: is planned, and encodes and decodes exactly as TypeBox does', (name) => {
    const definition = DEFINITIONS[name];
    expect(definition.codecPlan).not.toBeUndefined();
    const body = fixture.bodies[name];
    const wire = EncodeUnsafe({}, definition.schema, structuredClone(body));
    expect(encodeBody(definition, body as never)).toEqual(wire);
    expect(decodeBody(definition, wire)).toEqual(DecodeUnsafe({}, definition.schema, structuredClone(wire)));
    expect(decodeBody(definition, wire)).toEqual(body);
  });

  it('falls back to TypeBox for a codec it cannot place (inside an array)', () => {
    const amount = Type.Codec(Type.String())
      .Decode((wire: string) => BigInt(wire))
      .Encode((value: bigint) => value.toString());
    const listed = Type.Object({ amounts: Type.Array(amount) });
    expect(planCodecs(listed)).toBeUndefined();
    expect(planCodecs(Type.Object({ a: Type.Union([amount, Type.Null()]) }))).toBeUndefined();
    expect(planCodecs(Type.Object({ a: Type.String() }))).toBeNull();
    expect(planCodecs(Type.Object({ a: Type.Optional(amount) }))).toMatchObject({ kind: 'object' });
  });
});

describe('typed messages round-trip', () => {
  it.each(NAMES)('%s: sign, verify, decode to the same body', async (name) => {
    const { key, iss, aud } = fixture.parties[name];
    const definition = DEFINITIONS[name];
    const jws = await signTyped(key, definition, { iss, aud, nowMs: NOW_MS }, fixture.bodies[name] as never);
    const verified = await verifyTyped(jws, definition, {
      resolveKey: session.resolveKey,
      audience: aud,
      nowMs: NOW_MS,
    });
    expect(verified.mty).toBe(definition.mty);
    expect(verified.body).toEqual(fixture.bodies[name]);
    expect(verified.txn).toBe(name === 'initiation' ? undefined : TRANSACTION_ID);
    expect(decodeBody(definition, wireOf(name))).toEqual(fixture.bodies[name]);
  });

  it('hands the merchant a session key it can import straight from the information message', async () => {
    const { key, iss, aud } = fixture.parties.information;
    const jws = await signInformation(key, { iss, aud }, fixture.bodies.information);
    const info = await verifyTyped(jws, InformationMessage, {
      resolveKey: session.resolveKey,
      audience: aud,
    });
    const imported = await importVerificationKey(info.body.sessionKey);
    expect(imported.kid).toBe(session.session.kid);
  });

  it('has one distinct mty per message', () => {
    const types = NAMES.map((n) => DEFINITIONS[n].mty);
    expect(new Set(types).size).toBe(NAMES.length);
    // The currency table is not a trading-session message; it has its own tests (currency-table.test.ts).
    expect(new Set(Object.values(MESSAGE_TYPES))).toEqual(new Set([...types, MESSAGE_TYPES.currencyTable]));
  });

  it('puts amounts on the wire as decimal strings and rates as string terms', async () => {
    const { key, iss, aud } = fixture.parties.mtaAck;
    const jws = await signMtaAck(key, { iss, aud }, fixture.bodies.mtaAck);
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[1] as string)));
    expect(payload.body.depositCustomerMinor).toBe('10000');
    expect(payload.body.depositMerchantMinor).toBe('874');
    expect(payload.body.rate).toEqual({ base: 'SEK', quote: 'EUR', numerator: '874', denominator: '10000' });
  });

  it('offers a signX function per message', async () => {
    const b = fixture.bodies;
    const p = fixture.parties;
    const at = (n: Name) => ({ iss: p[n].iss, aud: p[n].aud });
    const signed = await Promise.all([
      signInitiation(p.initiation.key, at('initiation'), b.initiation),
      signAmendedInitiation(p.amendedInitiation.key, at('amendedInitiation'), b.amendedInitiation),
      signInformation(p.information.key, at('information'), b.information),
      signMerchantAck(p.merchantAck.key, at('merchantAck'), b.merchantAck),
      signMtaAck(p.mtaAck.key, at('mtaAck'), b.mtaAck),
      signSessionReady(p.sessionReady.key, at('sessionReady'), b.sessionReady),
      signTerminate(p.terminate.key, at('terminate'), b.terminate),
      signCustomerRecord(p.customerRecord.key, at('customerRecord'), b.customerRecord),
      signMerchantRecord(p.merchantRecord.key, at('merchantRecord'), b.merchantRecord),
      signClearing(p.clearing.key, at('clearing'), b.clearing),
    ]);
    expect(signed.every((jws) => jws.split('.').length === 3)).toBe(true);
  });

  it('leaves the caller’s objects untouched when encoding and decoding', () => {
    const body = fixture.bodies.clearing;
    const before = structuredClone(body);
    const wire = encodeBody(ClearingMessage, body);
    expect(body).toEqual(before);
    const wireBefore = structuredClone(wire);
    decodeBody(ClearingMessage, wire);
    expect(wire).toEqual(wireBefore);
  });
});

describe('every field is checked', () => {
  it.each(NAMES)('%s: null in any field, a missing required field, an unknown field', (name) => {
    const definition = DEFINITIONS[name];
    const wire = wireOf(name);
    const required = new Set((definition.schema as { required?: string[] }).required ?? []);
    for (const field of Object.keys(wire)) {
      expect(bodyErrorOf(() => decodeBody(definition, withField(wire, field, null))).field).toBe(field);
      if (required.has(field)) {
        expect(bodyErrorOf(() => decodeBody(definition, withField(wire, field, undefined))).field).toBe(
          field,
        );
      }
    }
    expect(bodyErrorOf(() => decodeBody(definition, { ...wire, extra: 1 })).field).toBe('extra');
    expect(bodyErrorOf(() => decodeBody(definition, [])).field).toBe('(body)');
  });

  const badValues: [Name, string, unknown][] = [
    ['initiation', 'depositMinor', '0'],
    ['initiation', 'depositMinor', '010'],
    ['initiation', 'depositMinor', '-5'],
    ['initiation', 'depositMinor', '1.5'],
    ['initiation', 'depositMinor', 100],
    ['initiation', 'depositMinor', '9223372036854775808'],
    ['initiation', 'depositMinor', '99999999999999999999'],
    ['initiation', 'currency', 'XXX'],
    ['initiation', 'currency', 'sek'],
    ['initiation', 'merchantId', 'Shop One'],
    ['initiation', 'merchantOperatorId', 'op_b'],
    ['initiation', 'merchantOperatorId', 'a'],
    ['initiation', 'timeoutSeconds', 5],
    ['initiation', 'timeoutSeconds', 86_401],
    ['initiation', 'timeoutSeconds', 60.5],
    ['initiation', 'purchaseCountExpected', 0],
    ['initiation', 'offerId', 'has space'],
    ['initiation', 'offerId', 'x'.repeat(129)],
    ['initiation', 'sessionKey.kty', 'RSA'],
    ['initiation', 'sessionKey.x', 'short'],
    ['initiation', 'hashChain.rootHex', 'AB'.repeat(32)],
    ['initiation', 'hashChain.unitPriceMinor', '0'],
    ['initiation', 'hashChain.lengthMax', 1_000_001],
    ['amendedInitiation', 'transactionId', 'op-a.17'],
    ['amendedInitiation', 'transactionId', 'op-a.017.3'],
    ['amendedInitiation', 'transactionId', 'op-a.9007199254740992.3'],
    ['amendedInitiation', 'pseudonym', 'psn_short'],
    ['amendedInitiation', 'expiresAtMs', -1],
    ['amendedInitiation', 'customerOperatorId', 'OP-A'],
    ['information', 'rate.numerator', '0'],
    ['information', 'rate.denominator', '1.5'],
    ['information', 'rate.base', 'XYZ'],
    ['sessionReady', 'sessionId', 'op-a'],
    ['voucher', 'seq', 0],
    ['voucher', 'seq', 2 ** 53],
    ['voucher', 'purchaseListHash', 'A'.repeat(64)],
    ['voucher', 'item.sku', ''],
    ['voucher', 'item.description', 'half \uD800 a pair'],
    ['voucher', 'item.priceMinor', '-1'],
    ['terminate', 'reason', 'bored'],
    ['terminate', 'by', 'mta'],
    ['customerRecord', 'lastVoucher', 'not a jws'],
    ['customerRecord', 'purchaseCount', -1],
    ['clearing', 'outcome', 'maybe'],
    ['clearing', 'feeMinor', '1e3'],
  ];
  it.each(badValues)('%s.%s = %j is refused, naming the field', (name, path, value) => {
    const error = bodyErrorOf(() => decodeBody(DEFINITIONS[name], withField(wireOf(name), path, value)));
    expect(error.code).toBe('message_body_invalid');
    expect(error.field.startsWith(path.split('.')[0] as string)).toBe(true);
  });

  it('refuses a private session key', () => {
    const wire = withField(wireOf('initiation'), 'sessionKey.d', 'A'.repeat(43));
    expect(bodyErrorOf(() => decodeBody(InitiationMessage, wire)).field).toBe('sessionKey');
  });

  it('accepts an Ed25519 session key and no hash chain', async () => {
    const ed = await makeSession('EdDSA');
    const body = { ...fixture.bodies.initiation, sessionKey: ed.session.publicJwk as never };
    delete (body as { hashChain?: unknown }).hashChain;
    expect(decodeBody(InitiationMessage, encodeBody(InitiationMessage, body))).toEqual(body);
  });
});

describe('cross-field rules', () => {
  /** Signs a wire body as-is (bypassing signTyped's own checks), then verifies it. */
  async function verifyRaw(name: Name, body: Record<string, unknown>, txn = TRANSACTION_ID) {
    const { key, iss, aud } = fixture.parties[name];
    const jws = await signMessage(key, { mty: DEFINITIONS[name].mty, iss, aud, txn, body });
    return verifyTyped(jws, DEFINITIONS[name], { resolveKey: session.resolveKey, audience: aud });
  }

  const inconsistent: [Name, string, unknown, string][] = [
    ['amendedInitiation', 'customerOperatorId', 'op-c', 'customerOperatorId'],
    ['amendedInitiation', 'transactionId', 'op-c.17.3', 'transactionId'],
    ['information', 'merchantId', 'shop-2', 'merchantId'],
    ['information', 'currency', 'USD', 'rate.quote'],
    ['mtaAck', 'depositMerchantMinor', '875', 'depositMerchantMinor'],
    ['mtaAck', 'customerCurrency', 'NOK', 'rate.base'],
    ['sessionReady', 'sessionId', 'op-a.18', 'transactionId'],
    ['voucher', 'item.priceMinor', '121', 'item.priceMinor'],
    ['terminate', 'reason', 'merchant_stop', 'reason'],
    ['terminate', 'reason', 'deposit_exhausted', 'reason'],
    ['customerRecord', 'lastVoucher', undefined, 'lastVoucher'],
    ['customerRecord', 'purchaseCount', 0, 'purchaseCount'],
    ['merchantRecord', 'lastSeq', 0, 'lastVoucher'],
    ['clearing', 'clearedCustomerMinor', '1372', 'clearedCustomerMinor'],
    ['clearing', 'releasedCustomerMinor', '8628', 'releasedCustomerMinor'],
    ['clearing', 'reason', 'records_differ', 'reason'],
    ['clearing', 'depositMerchantMinor', '900', 'depositMerchantMinor'],
    ['clearing', 'feeMinor', '121', 'feeMinor'],
    ['clearing', 'voucherSeq', 0, 'voucherSeq'],
  ];
  it.each(inconsistent)('%s with %s = %j is refused on %s', async (name, path, value, field) => {
    const body = withField(wireOf(name), path, value);
    const txn = path === 'transactionId' ? String(value) : TRANSACTION_ID;
    await expect(verifyRaw(name, body, txn)).rejects.toMatchObject({ code: 'message_body_invalid', field });
  });

  it('refuses a body whose transaction differs from the signed txn claim', async () => {
    await expect(verifyRaw('merchantAck', wireOf('merchantAck'), 'op-a.17.4')).rejects.toMatchObject({
      code: 'message_body_invalid',
      field: 'transactionId',
    });
  });

  it('refuses a clearing that claims more than the deposit', async () => {
    const body = { ...wireOf('clearing'), clearedMerchantMinor: '875', clearedCustomerMinor: '10012' };
    await expect(verifyRaw('clearing', { ...body, releasedCustomerMinor: '0' })).rejects.toMatchObject({
      field: 'clearedMerchantMinor',
    });
  });

  it('accepts nothing_claimed with everything released', async () => {
    const body = {
      ...wireOf('clearing'),
      outcome: 'nothing_claimed',
      reason: 'records_missing',
      voucherSeq: 0,
      clearedMerchantMinor: '0',
      clearedCustomerMinor: '0',
      releasedCustomerMinor: '10000',
    };
    await expect(verifyRaw('clearing', body)).resolves.toMatchObject({
      body: { releasedCustomerMinor: 10_000n },
    });
  });

  it('refuses to sign an invalid or inconsistent body', async () => {
    const { key, iss, aud } = fixture.parties.initiation;
    const bad = { ...fixture.bodies.initiation, depositMinor: 0n };
    await expect(signInitiation(key, { iss, aud }, bad)).rejects.toMatchObject({ field: 'depositMinor' });
    const p = fixture.parties.amendedInitiation;
    const body = fixture.bodies.amendedInitiation;
    await expect(
      signAmendedInitiation(
        p.key,
        { iss: p.iss, aud: MERCHANT_OPERATOR },
        { ...body, customerOperatorId: 'op-z' },
      ),
    ).rejects.toBeInstanceOf(MessageBodyError);
  });

  it('still enforces the envelope: type, audience, key', async () => {
    const { key, iss, aud } = fixture.parties.merchantAck;
    const jws = await signMerchantAck(key, { iss, aud }, fixture.bodies.merchantAck);
    const opts = { resolveKey: session.resolveKey, audience: aud };
    await expect(verifyTyped(jws, MtaAckMessage, opts)).rejects.toMatchObject({ code: 'jws_wrong_type' });
    await expect(verifyTyped(jws, MerchantAckMessage, { ...opts, audience: 'op-z' })).rejects.toMatchObject({
      code: 'jws_wrong_audience',
    });
  });
});
