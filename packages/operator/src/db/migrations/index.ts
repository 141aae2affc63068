import type { Migration } from 'kysely/migration';
import { ledger001 } from './001-ledger.ts';

/** Every migration, in order. Names sort lexically; never rename or edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '001-ledger': ledger001,
};
