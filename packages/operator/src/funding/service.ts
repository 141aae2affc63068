import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { aesOpen, aesSeal } from '../psd/master-key.ts';
import type { Psd } from '../psd/model.ts';
import { type InstrumentKind, mask, normalise } from './instrument.ts';

export const FUNDING_KEK_LABEL = 'funding-kek';
export const INSTRUMENTS_PER_PARTY_MAX = 20;
export type FundingError = 'instrument_invalid' | 'instrument_limit_reached' | 'instrument_not_found';

export interface InstrumentView {
  readonly id: string;
  readonly kind: InstrumentKind;
  readonly masked: string;
  readonly createdAt: string;
}

export interface FundingService {
  register(partyId: string, kind: InstrumentKind, value: string): Promise<InstrumentView | FundingError>;
  list(partyId: string): Promise<readonly InstrumentView[]>;
  /** For the billing adapter only (charging the card); never returned over HTTP. */
  reveal(partyId: string, id: string): Promise<string | FundingError>;
}

/**
 * Envelope encryption: a fresh 256-bit data key per record encrypts the
 * number (AES-GCM, bound to the record id and party); the PSD wraps the data
 * key with its key-encryption key, which never leaves the PSD.
 */
export function createFundingService(deps: {
  readonly db: Kysely<Schema>;
  readonly psd: Psd;
  readonly clock: () => Date;
}): FundingService {
  const aad = (id: string, partyId: string) => new TextEncoder().encode(`funding/${id}/${partyId}`);
  const view = (r: {
    id: string;
    kind: InstrumentKind;
    masked: string;
    created_at: Date;
  }): InstrumentView => ({
    id: r.id,
    kind: r.kind,
    masked: r.masked,
    createdAt: r.created_at.toISOString(),
  });
  return {
    async register(partyId, kind, value) {
      const number = normalise(kind, value);
      if (!number) return 'instrument_invalid';
      const count = await deps.db
        .selectFrom('funding_instruments')
        .select((eb) => eb.fn.countAll<bigint>().as('n'))
        .where('party_id', '=', partyId)
        .executeTakeFirstOrThrow();
      if (BigInt(count.n) >= INSTRUMENTS_PER_PARTY_MAX) return 'instrument_limit_reached';
      const id = `fin-${randomBytes(10).toString('hex')}`;
      const raw = crypto.getRandomValues(new Uint8Array(32));
      const dataKey = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
      const ciphertext = await aesSeal(dataKey, new TextEncoder().encode(number), aad(id, partyId));
      const wrapped = await deps.psd.wrapKey(FUNDING_KEK_LABEL, raw, aad(id, partyId));
      raw.fill(0);
      const row = await deps.db
        .insertInto('funding_instruments')
        .values({
          id,
          party_id: partyId,
          kind,
          masked: mask(kind, number),
          kek_label: FUNDING_KEK_LABEL,
          wrapped_key: wrapped,
          ciphertext,
          created_at: deps.clock(),
        })
        .returning(['id', 'kind', 'masked', 'created_at'])
        .executeTakeFirstOrThrow();
      return view(row);
    },
    async list(partyId) {
      const rows = await deps.db
        .selectFrom('funding_instruments')
        .select(['id', 'kind', 'masked', 'created_at'])
        .where('party_id', '=', partyId)
        .orderBy('created_at')
        .execute();
      return rows.map(view);
    },
    async reveal(partyId, id) {
      const row = await deps.db
        .selectFrom('funding_instruments')
        .selectAll()
        .where('id', '=', id)
        .where('party_id', '=', partyId)
        .executeTakeFirst();
      if (!row) return 'instrument_not_found';
      const raw = await deps.psd.unwrapKey(row.kek_label, row.wrapped_key, aad(id, partyId));
      if (!raw) throw new Error('assertion: a funding data key does not unwrap');
      const dataKey = await crypto.subtle.importKey('raw', raw as BufferSource, 'AES-GCM', false, [
        'decrypt',
      ]);
      const plain = await aesOpen(dataKey, row.ciphertext, aad(id, partyId));
      if (!plain) throw new Error('assertion: a funding record does not decrypt');
      return new TextDecoder().decode(plain);
    },
  };
}
