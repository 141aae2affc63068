import {
  type CoseSigner,
  generateExchangeKeyPair,
  hpkeOpen,
  hpkeSeal,
  importExchangePrivateKey,
  importExchangePublicKey,
  importSigningKey,
  importVerificationKey,
  signerOf,
  webCryptoParams,
} from '@tallystick/protocol';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { concatBytes, fromBase64Url, toBase64Url } from './bytes.ts';
import { aesOpen, aesSeal, deriveMasterKey } from './master-key.ts';
import type { Psd, PsdKeyInfo, SealedPackage } from './model.ts';
import { createRegisters } from './registers.ts';

export interface SoftwarePsdDeps {
  readonly db: Kysely<Schema>;
  readonly psdId: string;
  /** The secret the at-rest master key is derived from; keep it outside the database. */
  readonly secret: string;
  /** Signing key ids are `<kidPrefix>:<thumbprint>` (an operator's keys carry its id). */
  readonly kidPrefix: string;
}

type Row = Selectable<Schema['psd_keys']>;
const EXCHANGE_LABEL = 'exchange';
const SEAL_LABEL = 'seal';
const encoder = new TextEncoder();

/** DESIGN §11's software backend: a keystore in the database, every secret sealed at rest. */
export async function createSoftwarePsd(deps: SoftwarePsdDeps): Promise<Psd> {
  const master = await deriveMasterKey(deps.secret, deps.psdId);
  const aadOf = (label: string) => encoder.encode(`${deps.psdId}/${label}`);
  const cache = new Map<string, Promise<{ row: Row; secret: Uint8Array }>>();

  const load = (label: string, kind: Row['kind']) => {
    let found = cache.get(label);
    if (!found) {
      found = loadOrCreate(deps, master, aadOf(label), label, kind);
      found.catch(() => cache.delete(label));
      cache.set(label, found);
    }
    return found;
  };

  const signingKey = async (label: string) => {
    const { row, secret } = await load(label, 'sign');
    const key = await importSigningKey(JSON.parse(new TextDecoder().decode(secret)) as JWK);
    const info: PsdKeyInfo = {
      label,
      kid: row.kid,
      alg: key.alg,
      publicJwk: JSON.parse(row.public_jwk ?? '{}') as Record<string, string>,
    };
    return { info, signer: signerOf({ kid: row.kid, alg: key.alg, privateKey: key.privateKey }) };
  };

  const exchange = async () => {
    const { row, secret } = await load(EXCHANGE_LABEL, 'exchange');
    return { row, privateJwk: JSON.parse(new TextDecoder().decode(secret)) as JsonWebKey };
  };

  const kek = async (label: string) => {
    const { secret } = await load(label, 'kek');
    return crypto.subtle.importKey('raw', secret as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']);
  };

  const psd: Omit<Psd, 'registers'> = {
    id: deps.psdId,
    signingKey: async (label) => (await signingKey(label)).info,
    signer: async (label): Promise<CoseSigner> => (await signingKey(label)).signer,
    async exchangeKey() {
      const { row } = await exchange();
      return { kid: row.kid, publicJwk: JSON.parse(row.public_jwk ?? '{}') as JsonWebKey };
    },
    async seal(recipient, plaintext) {
      const sealed = await hpkeSeal(
        await importExchangePublicKey(recipient.publicJwk),
        plaintext,
        sealAad(deps.psdId, recipient.psdId),
      );
      const { signer } = await signingKey(SEAL_LABEL);
      const sig = await signer.sign(concatBytes(sealAad(deps.psdId, recipient.psdId), sealed.enc, sealed.ct));
      return {
        from: deps.psdId,
        to: recipient.psdId,
        senderKid: signer.kid,
        enc: toBase64Url(sealed.enc),
        ct: toBase64Url(sealed.ct),
        sig: toBase64Url(sig),
      };
    },
    async open(pkg: SealedPackage, senderPublicJwk) {
      if (pkg.to !== deps.psdId) return undefined;
      const sender = await importVerificationKey(senderPublicJwk as JWK);
      const enc = fromBase64Url(pkg.enc);
      const ct = fromBase64Url(pkg.ct);
      const aad = sealAad(pkg.from, pkg.to);
      const signed = await crypto.subtle.verify(
        webCryptoParams(sender.alg),
        sender.key,
        fromBase64Url(pkg.sig) as BufferSource,
        concatBytes(aad, enc, ct) as BufferSource,
      );
      if (!signed) return undefined;
      const { privateJwk } = await exchange();
      return hpkeOpen(await importExchangePrivateKey(privateJwk), { enc, ct }, aad);
    },
    async wrapKey(kekLabel, dataKey, aad) {
      return aesSeal(await kek(kekLabel), dataKey, aad);
    },
    async unwrapKey(kekLabel, wrapped, aad) {
      return aesOpen(await kek(kekLabel), wrapped, aad);
    },
  };
  return {
    ...psd,
    registers: createRegisters({ db: deps.db, psdId: deps.psdId, signer: () => psd.signer('registers') }),
  };
}

function sealAad(from: string, to: string): Uint8Array {
  return encoder.encode(`tallystick psd seal v1/${from}/${to}`);
}

async function loadOrCreate(
  deps: SoftwarePsdDeps,
  master: CryptoKey,
  aad: Uint8Array,
  label: string,
  kind: Row['kind'],
): Promise<{ row: Row; secret: Uint8Array }> {
  const existing = await findKey(deps, label);
  if (!existing) {
    const fresh = await generate(deps.kidPrefix, kind);
    await deps.db
      .insertInto('psd_keys')
      .values({
        psd_id: deps.psdId,
        label,
        kind,
        kid: fresh.kid,
        alg: fresh.alg,
        public_jwk: fresh.publicJwk === null ? null : JSON.stringify(fresh.publicJwk),
        sealed_secret: await aesSeal(master, fresh.secret, aad),
      })
      // Two processes creating the same key at once: the stored one wins.
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const row = existing ?? (await findKey(deps, label));
  if (!row || row.kind !== kind) throw new Error(`assertion: PSD key ${label} missing or of another kind`);
  const secret = await aesOpen(master, row.sealed_secret, aad);
  if (!secret) throw new Error(`PSD ${deps.psdId}: key ${label} does not open with this master secret`);
  return { row, secret };
}

function findKey(deps: SoftwarePsdDeps, label: string): Promise<Row | undefined> {
  return deps.db
    .selectFrom('psd_keys')
    .selectAll()
    .where('psd_id', '=', deps.psdId)
    .where('label', '=', label)
    .executeTakeFirst();
}

async function generate(
  kidPrefix: string,
  kind: Row['kind'],
): Promise<{ kid: string; alg: string; publicJwk: JsonWebKey | null; secret: Uint8Array }> {
  if (kind === 'kek') {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    return { kid: `${kidPrefix}:kek:${crypto.randomUUID()}`, alg: 'A256GCM', publicJwk: null, secret };
  }
  if (kind === 'exchange') {
    const pair = await generateExchangeKeyPair();
    const thumb = await calculateJwkThumbprint(pair.publicJwk as JWK);
    return {
      kid: `${kidPrefix}:${thumb}`,
      alg: 'HPKE-P256-SHA256-A128GCM',
      publicJwk: pair.publicJwk,
      secret: encoder.encode(JSON.stringify(pair.privateJwk)),
    };
  }
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const priv = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const pub = { kty: 'EC', crv: 'P-256', x: priv.x, y: priv.y };
  const kid = `${kidPrefix}:${await calculateJwkThumbprint(pub as JWK)}`;
  const privateJwk = { kty: 'EC', crv: 'P-256', x: priv.x, y: priv.y, d: priv.d };
  return {
    kid,
    alg: 'ES256',
    publicJwk: { ...pub, kid, alg: 'ES256' } as JsonWebKey,
    secret: encoder.encode(JSON.stringify(privateJwk)),
  };
}
