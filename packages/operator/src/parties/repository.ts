import type { Kysely, Selectable } from 'kysely';
import type { PartiesTable, PartyKeysTable, Schema } from '../db/schema.ts';
import type { Party, PartyKey } from './model.ts';

/** Rows in and out of `parties` and `party_keys`. `db` may be a transaction. */
export type Executor = Kysely<Schema>;

export interface NewPartyRow {
  readonly party: Party;
  readonly apiKeySha256: string;
  readonly key: PartyKey;
}

export async function insertParty(db: Executor, row: NewPartyRow): Promise<void> {
  const { party, key } = row;
  await db
    .insertInto('parties')
    .values({
      id: party.id,
      kind: party.kind,
      display_name: party.displayName,
      account_id: party.accountId,
      currency: party.currency,
      endpoint_url: party.endpointUrl,
      credit_limit_minor: party.creditLimitMinor,
      api_key_sha256: row.apiKeySha256,
      created_at: party.createdAt,
    })
    .execute();
  await db
    .insertInto('party_keys')
    .values({ kid: key.kid, party_id: key.partyId, alg: key.alg, public_jwk: JSON.stringify(key.publicJwk) })
    .execute();
}

export async function findPartyById(db: Executor, partyId: string): Promise<Party | undefined> {
  const row = await db.selectFrom('parties').selectAll().where('id', '=', partyId).executeTakeFirst();
  return row && toParty(row);
}

/** With the hash, for authentication only. */
export async function findPartyCredentials(
  db: Executor,
  partyId: string,
): Promise<{ readonly party: Party; readonly apiKeySha256: string } | undefined> {
  const row = await db.selectFrom('parties').selectAll().where('id', '=', partyId).executeTakeFirst();
  return row && { party: toParty(row), apiKeySha256: row.api_key_sha256 };
}

export async function findPartyByAccountId(db: Executor, accountId: string): Promise<Party | undefined> {
  const row = await db
    .selectFrom('parties')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row && toParty(row);
}

/** Locks the customer row for the rest of the transaction: credit limit changes for one customer queue up. */
export async function lockCustomer(db: Executor, customerId: string): Promise<Party | undefined> {
  const row = await db
    .selectFrom('parties')
    .selectAll()
    .where('id', '=', customerId)
    .where('kind', '=', 'customer')
    .forUpdate()
    .executeTakeFirst();
  return row && toParty(row);
}

export async function findKey(db: Executor, kid: string): Promise<PartyKey | undefined> {
  const row = await db.selectFrom('party_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
  return row && toKey(row);
}

export async function findKeysOfParty(db: Executor, partyId: string): Promise<PartyKey[]> {
  const rows = await db
    .selectFrom('party_keys')
    .selectAll()
    .where('party_id', '=', partyId)
    .orderBy('created_at')
    .execute();
  return rows.map(toKey);
}

function toParty(row: Selectable<PartiesTable>): Party {
  return {
    id: row.id,
    kind: row.kind,
    displayName: row.display_name,
    accountId: row.account_id,
    currency: row.currency,
    endpointUrl: row.endpoint_url,
    creditLimitMinor: row.credit_limit_minor,
    createdAt: row.created_at,
  };
}

function toKey(row: Selectable<PartyKeysTable>): PartyKey {
  return {
    kid: row.kid,
    partyId: row.party_id,
    alg: row.alg,
    publicJwk: JSON.parse(row.public_jwk) as Record<string, string>,
  };
}
