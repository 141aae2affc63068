import {
  type IndiciumKind,
  type IndiciumParticulars,
  issueIndicium,
  type TrustedKey,
  type TrustList,
  trustResolver,
  verifyIndicium,
} from '@tallystick/protocol';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Psd } from '../psd/model.ts';
import type { PurchaseRequest } from '../requests/model.ts';
import type { FulfilmentError } from './errors.ts';

export const INDICIUM_KEY_LABEL = 'indicium';
export const WEBHOOK_KEY_LABEL = 'webhook';
const SHIPMENT_NEXT: Readonly<Record<string, string>> = { pending: 'shipped', shipped: 'delivered' };

export type ItemRow = Selectable<Schema['fulfilment_items']>;

export interface FulfilmentDeps {
  readonly db: Kysely<Schema>;
  readonly psd: Psd;
  readonly operatorId: string;
  readonly clock: () => Date;
}

export interface FulfilmentService {
  /** Idempotent: issues what an affirmed request is owed, once, whatever the number of calls. */
  issue(request: PurchaseRequest): Promise<readonly ItemRow[]>;
  itemsOf(requestId: string): Promise<readonly ItemRow[]>;
  item(id: string): Promise<ItemRow | undefined>;
  checkIn(merchantId: string, indicium: string): Promise<ItemRow | FulfilmentError>;
  advanceShipment(merchantId: string, itemId: string, status: string): Promise<ItemRow | FulfilmentError>;
  trustList(): Promise<TrustList>;
}

export function createFulfilmentService(deps: FulfilmentDeps): FulfilmentService {
  const db = deps.db;
  const itemsOf = (requestId: string) =>
    db.selectFrom('fulfilment_items').selectAll().where('request_id', '=', requestId).orderBy('id').execute();

  const trustList = async (): Promise<TrustList> => {
    const own = await Promise.all(
      [INDICIUM_KEY_LABEL, WEBHOOK_KEY_LABEL].map(async (label) => {
        const key = await deps.psd.signingKey(label);
        return { kid: key.kid, issuer: deps.operatorId, role: 'operator' as const, publicJwk: key.publicJwk };
      }),
    );
    const merchants = await db
      .selectFrom('party_keys')
      .innerJoin('parties', 'parties.id', 'party_keys.party_id')
      .select(['party_keys.kid', 'party_keys.party_id', 'party_keys.public_jwk'])
      .where('parties.kind', '=', 'merchant')
      .orderBy('party_keys.kid')
      .execute();
    const merchantKeys: TrustedKey[] = merchants.map((m) => ({
      kid: m.kid,
      issuer: m.party_id,
      role: 'merchant',
      publicJwk: JSON.parse(m.public_jwk) as Record<string, string>,
    }));
    return { version: 1, keys: [...own, ...merchantKeys] };
  };

  return {
    async issue(request) {
      if (request.status !== 'affirmed') throw new Error('assertion: only an affirmed request is fulfilled');
      // The merchant's operator issues (it signs with its PSD key); the customer's operator has nothing to issue.
      if (request.cross?.role === 'customer_operator') return [];
      const existing = await itemsOf(request.id);
      if (existing.some((i) => i.kind === 'indicium')) return existing;
      const customer = await customerOf(db, request);
      const signer = await deps.psd.signer(INDICIUM_KEY_LABEL);
      const issuedAt = Math.floor((request.answeredAt ?? deps.clock()).getTime() / 1000);
      const base = {
        transactionId: request.id,
        operatorId: deps.operatorId,
        merchantId: request.merchantId,
        customer: customer.pseudonym,
        currency: request.currency,
        issuedAt,
        itemsHash: request.itemsHash,
      };
      const rows: Insertable<Schema['fulfilment_items']>[] = [];
      const push = async (
        id: string,
        kind: ItemRow['kind'],
        status: string,
        data: object,
        particulars?: IndiciumParticulars,
      ) => {
        const signed = particulars && (await issueIndicium(signer, deps.operatorId, particulars));
        rows.push({
          id,
          request_id: request.id,
          merchant_id: request.merchantId,
          customer_id: customer.customerId,
          customer_operator_id: customer.operatorId,
          kind,
          status,
          data: JSON.stringify(data),
          indicium: signed?.indicium ?? null,
          indicium_text: signed?.text ?? null,
          checked_in_at: null,
        });
      };
      const particulars = (
        id: string,
        kind: IndiciumKind,
        amountMinor: bigint,
        description: string,
        extra = {},
      ) =>
        ({
          ...base,
          id,
          kind,
          amountMinor: amountMinor.toString(),
          description,
          ...extra,
        }) as IndiciumParticulars;

      let n = 0;
      for (const item of request.items) {
        for (let q = 0; q < item.quantity; q++) {
          n++;
          if (item.kind === 'goods') {
            await push(`${request.id}.s${n}`, 'shipment', 'pending', { description: item.description });
          } else if (item.kind === 'ticket' && item.entry) {
            const entry = {
              event: item.entry.event,
              ...(item.entry.seat !== undefined ? { seat: item.entry.seat } : {}),
              ...(item.entry.gate !== undefined ? { gate: item.entry.gate } : {}),
              validFrom: Math.floor(Date.parse(item.entry.validFrom) / 1000),
              validUntil: Math.floor(Date.parse(item.entry.validUntil) / 1000),
            };
            const id = `${request.id}.t${n}`;
            await push(
              id,
              'ticket',
              'valid',
              { description: item.description, entry },
              particulars(id, 'ticket', BigInt(item.unitPriceMinor), item.description, { entry }),
            );
          }
        }
      }
      // The PSD meters what it evidences, as a postage meter does: recharge by the payment, then one piece.
      const register = `indicia.${request.currency}`;
      const payId = `${request.id}.pay`;
      await deps.psd.registers.credit(register, request.amountMinor, request.transferId ?? request.id);
      const piece = await deps.psd.registers.debit(register, request.amountMinor, payId);
      if (typeof piece === 'string') throw new Error(`assertion: indicium register refused: ${piece}`);
      const registerView = {
        pieceCount: Number(piece.pieceCount),
        ascendingMinor: piece.ascendingMinor.toString(),
      };
      await push(
        payId,
        'indicium',
        'issued',
        {},
        particulars(payId, 'payment', request.amountMinor, request.description, { register: registerView }),
      );
      const certId = `${request.id}.cert`;
      await push(
        certId,
        'certificate',
        'issued',
        { transferId: request.transferId, feeMinor: request.feeMinor?.toString() },
        particulars(certId, 'certificate', request.amountMinor, request.description),
      );
      await db
        .insertInto('fulfilment_items')
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
      return itemsOf(request.id);
    },
    itemsOf,
    item: (id) => db.selectFrom('fulfilment_items').selectAll().where('id', '=', id).executeTakeFirst(),
    async checkIn(merchantId, indicium) {
      const verified = await verifyIndicium(indicium, { resolveKey: trustResolver(await trustList()) });
      if (typeof verified === 'string') return verified;
      const p = verified.particulars;
      if (p.kind !== 'ticket' || p.merchantId !== merchantId || !p.entry) return 'ticket_not_found';
      const nowS = Math.floor(deps.clock().getTime() / 1000);
      if (nowS < p.entry.validFrom || nowS > p.entry.validUntil) return 'ticket_not_valid_now';
      // One conditional update: of two gates scanning the same ticket at once, exactly one admits.
      const admitted = await db
        .updateTable('fulfilment_items')
        .set({ checked_in_at: deps.clock(), status: 'used' })
        .where('id', '=', p.id)
        .where('merchant_id', '=', merchantId)
        .where('kind', '=', 'ticket')
        .where('checked_in_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (admitted) return admitted;
      const known = await db
        .selectFrom('fulfilment_items')
        .select('id')
        .where('id', '=', p.id)
        .executeTakeFirst();
      return known ? 'ticket_already_used' : 'ticket_not_found';
    },
    async advanceShipment(merchantId, itemId, status) {
      const row = await db
        .selectFrom('fulfilment_items')
        .selectAll()
        .where('id', '=', itemId)
        .executeTakeFirst();
      if (!row || row.merchant_id !== merchantId || row.kind !== 'shipment') return 'item_not_found';
      if (SHIPMENT_NEXT[row.status] !== status) return 'shipment_status_invalid';
      const updated = await db
        .updateTable('fulfilment_items')
        .set({ status })
        .where('id', '=', itemId)
        .where('status', '=', row.status)
        .returningAll()
        .executeTakeFirst();
      return updated ?? 'shipment_status_invalid';
    },
    trustList,
  };
}

/**
 * How the items name the customer: always by the pseudonym the merchant sees,
 * never by her id. Hers here: her alias's pseudonym, and her party id on the
 * row. At another operator: the pseudonym that operator relayed with her
 * (signed) answer, and its id.
 */
async function customerOf(
  db: Kysely<Schema>,
  request: PurchaseRequest,
): Promise<{ pseudonym: string; customerId: string | null; operatorId: string | null }> {
  if (request.customerId !== null) {
    const alias = await db
      .selectFrom('customer_aliases')
      .select('pseudonym')
      .where('alias', '=', request.customerRef)
      .executeTakeFirstOrThrow();
    return { pseudonym: alias.pseudonym, customerId: request.customerId, operatorId: null };
  }
  const pseudonym = request.cross?.customerPseudonym;
  if (!request.cross || !pseudonym)
    throw new Error(`assertion: affirmed request ${request.id} has no customer and no relayed pseudonym`);
  return { pseudonym, customerId: null, operatorId: request.cross.peerOperatorId };
}
