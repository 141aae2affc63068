import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** What a customer gives a merchant instead of its account id, and the pseudonym the merchant sees. */
export interface CustomerAlias {
  readonly alias: string;
  readonly pseudonym: string;
}

const token = (prefix: string) =>
  `${prefix}-${randomBytes(10)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;

export async function createAlias(db: Kysely<Schema>, customerId: string): Promise<CustomerAlias> {
  const alias = { alias: token('ref'), pseudonym: token('psn') };
  await db
    .insertInto('customer_aliases')
    .values({ ...alias, customer_id: customerId })
    .execute();
  return alias;
}

export function resolveAlias(
  db: Kysely<Schema>,
  alias: string,
): Promise<{ customer_id: string; pseudonym: string } | undefined> {
  return db
    .selectFrom('customer_aliases')
    .select(['customer_id', 'pseudonym'])
    .where('alias', '=', alias)
    .executeTakeFirst();
}
