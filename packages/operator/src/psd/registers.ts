import { createHash } from 'node:crypto';
import { type CoseSigner, importVerificationKey, webCryptoParams } from '@tallystick/protocol';
import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { fromBase64Url, toBase64Url } from './bytes.ts';
import type { PsdRegisters, RegisterEntry, RegisterError, RegisterState } from './model.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface RegistersDeps {
  readonly db: Kysely<Schema>;
  readonly psdId: string;
  readonly signer: () => Promise<CoseSigner>;
}

type Fields = Omit<RegisterEntry, 'hash' | 'signature' | 'kid'>;

/** What each entry's hash covers: every field and the previous hash, so the chain shows gaps and replays. */
export function registerEntryHash(e: Fields): string {
  const canonical = JSON.stringify([
    e.psdId,
    e.register,
    e.seq.toString(),
    e.op,
    e.amountMinor.toString(),
    e.ascendingMinor.toString(),
    e.descendingMinor.toString(),
    e.pieceCount.toString(),
    e.controlSumMinor.toString(),
    e.ref,
    e.prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export function createRegisters(deps: RegistersDeps): PsdRegisters {
  const change = async (register: string, op: 'credit' | 'debit', amountMinor: bigint, ref: string) => {
    if (amountMinor <= 0n) return 'register_amount_invalid' as const;
    const signer = await deps.signer();
    return deps.db.transaction().execute(async (trx): Promise<RegisterEntry | RegisterError> => {
      await trx
        .insertInto('psd_registers')
        .values({
          psd_id: deps.psdId,
          register,
          seq: 0n,
          ascending_minor: 0n,
          descending_minor: 0n,
          piece_count: 0n,
          control_sum_minor: 0n,
          hash: GENESIS_HASH,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const head = await trx
        .selectFrom('psd_registers')
        .selectAll()
        .where('psd_id', '=', deps.psdId)
        .where('register', '=', register)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (op === 'debit' && head.descending_minor < amountMinor) return 'register_insufficient';
      const fields: Fields = {
        psdId: deps.psdId,
        register,
        seq: head.seq + 1n,
        op,
        amountMinor,
        ascendingMinor: op === 'debit' ? head.ascending_minor + amountMinor : head.ascending_minor,
        descendingMinor:
          op === 'debit' ? head.descending_minor - amountMinor : head.descending_minor + amountMinor,
        pieceCount: op === 'debit' ? head.piece_count + 1n : head.piece_count,
        controlSumMinor: op === 'credit' ? head.control_sum_minor + amountMinor : head.control_sum_minor,
        ref,
        prevHash: head.hash,
      };
      if (fields.ascendingMinor + fields.descendingMinor !== fields.controlSumMinor) {
        throw new Error('assertion: PSD register control sum broken');
      }
      const hash = registerEntryHash(fields);
      const signature = toBase64Url(await signer.sign(new TextEncoder().encode(hash)));
      await trx
        .insertInto('psd_register_entries')
        .values({
          psd_id: deps.psdId,
          register,
          seq: fields.seq,
          op,
          amount_minor: amountMinor,
          ascending_minor: fields.ascendingMinor,
          descending_minor: fields.descendingMinor,
          piece_count: fields.pieceCount,
          control_sum_minor: fields.controlSumMinor,
          ref,
          prev_hash: fields.prevHash,
          hash,
          signature,
          kid: signer.kid,
        })
        .execute();
      await trx
        .updateTable('psd_registers')
        .set({
          seq: fields.seq,
          ascending_minor: fields.ascendingMinor,
          descending_minor: fields.descendingMinor,
          piece_count: fields.pieceCount,
          control_sum_minor: fields.controlSumMinor,
          hash,
        })
        .where('psd_id', '=', deps.psdId)
        .where('register', '=', register)
        .execute();
      return { ...fields, hash, signature, kid: signer.kid };
    });
  };

  return {
    credit: (register, amountMinor, ref) => change(register, 'credit', amountMinor, ref),
    debit: (register, amountMinor, ref) => change(register, 'debit', amountMinor, ref),
    async read(register): Promise<RegisterState | undefined> {
      const row = await deps.db
        .selectFrom('psd_registers')
        .selectAll()
        .where('psd_id', '=', deps.psdId)
        .where('register', '=', register)
        .executeTakeFirst();
      return (
        row && {
          register,
          seq: row.seq,
          ascendingMinor: row.ascending_minor,
          descendingMinor: row.descending_minor,
          pieceCount: row.piece_count,
          controlSumMinor: row.control_sum_minor,
          hash: row.hash,
        }
      );
    },
    async entries(register) {
      const rows = await deps.db
        .selectFrom('psd_register_entries')
        .selectAll()
        .where('psd_id', '=', deps.psdId)
        .where('register', '=', register)
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({
        psdId: r.psd_id,
        register: r.register,
        seq: r.seq,
        op: r.op,
        amountMinor: r.amount_minor,
        ascendingMinor: r.ascending_minor,
        descendingMinor: r.descending_minor,
        pieceCount: r.piece_count,
        controlSumMinor: r.control_sum_minor,
        ref: r.ref,
        prevHash: r.prev_hash,
        hash: r.hash,
        signature: r.signature,
        kid: r.kid,
      }));
    },
  };
}

/**
 * Checks a register's whole history offline: consecutive sequence numbers
 * from 1, each entry chained to the one before, the arithmetic of each
 * change, and the PSD's signature on each hash. Returns the first bad seq.
 */
export async function verifyRegisterChain(
  entries: readonly RegisterEntry[],
  publicJwk: Readonly<Record<string, string>>,
): Promise<{ readonly ok: true } | { readonly ok: false; readonly seq: bigint; readonly reason: string }> {
  const key = await importVerificationKey(publicJwk as JWK);
  let prev = { seq: 0n, hash: GENESIS_HASH, asc: 0n, desc: 0n, pieces: 0n, control: 0n };
  for (const e of entries) {
    const fail = (reason: string) => ({ ok: false as const, seq: e.seq, reason });
    if (e.seq !== prev.seq + 1n) return fail('gap or replay in the sequence');
    if (e.prevHash !== prev.hash) return fail('not chained to the previous entry');
    if (registerEntryHash(e) !== e.hash) return fail('hash does not match the entry');
    const debit = e.op === 'debit';
    const expected = {
      asc: debit ? prev.asc + e.amountMinor : prev.asc,
      desc: debit ? prev.desc - e.amountMinor : prev.desc + e.amountMinor,
      pieces: debit ? prev.pieces + 1n : prev.pieces,
      control: debit ? prev.control : prev.control + e.amountMinor,
    };
    if (
      e.ascendingMinor !== expected.asc ||
      e.descendingMinor !== expected.desc ||
      e.pieceCount !== expected.pieces ||
      e.controlSumMinor !== expected.control ||
      expected.desc < 0n
    ) {
      return fail('register arithmetic does not add up');
    }
    const signed = await crypto.subtle.verify(
      webCryptoParams(key.alg),
      key.key,
      fromBase64Url(e.signature) as BufferSource,
      new TextEncoder().encode(e.hash) as BufferSource,
    );
    if (!signed) return fail('signature does not verify');
    prev = { seq: e.seq, hash: e.hash, ...expected };
  }
  return { ok: true };
}
