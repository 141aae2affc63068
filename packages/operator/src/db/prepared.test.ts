import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabaseEngine } from '../../test/support/database.ts';
import type { Database } from './database.ts';
import { PREPARED_STATEMENTS_MAX, preparedName } from './prepared.ts';

describe('prepared-statement names', () => {
  it('are the same for the same text, differ for another text, and stay within the bound', () => {
    const a = preparedName('select $1::int as one');
    expect(a).toMatch(/^t_[A-Za-z0-9_-]{24}$/);
    expect(preparedName('select $1::int as one')).toBe(a);
    expect(preparedName('select $1::int as two')).not.toBe(a);
    expect(PREPARED_STATEMENTS_MAX).toBeGreaterThan(100);
  });
});

/** Only PostgreSQL has server-side prepared statements through pg; PGlite has its own protocol path. */
describe.runIf(testDatabaseEngine() === 'postgres')('queries on PostgreSQL', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('run a parameterised text as a named prepared statement, once per connection, with the same results', async () => {
    const prepared = await db.kysely.connection().execute(async (conn) => {
      const text = 'select $1::int8 + 1 as next';
      const first = await conn.executeQuery<{ next: bigint }>(CompiledQuery.raw(text, [41n]));
      const second = await conn.executeQuery<{ next: bigint }>(CompiledQuery.raw(text, [1n]));
      expect(first.rows[0]?.next).toBe(42n);
      expect(second.rows[0]?.next).toBe(2n);
      const listed = await conn.executeQuery<{ name: string; statement: string }>(
        CompiledQuery.raw('select name, statement from pg_prepared_statements'),
      );
      return listed.rows;
    });
    const name = preparedName('select $1::int8 + 1 as next');
    expect(prepared.filter((row) => row.name === name)).toEqual([
      { name, statement: 'select $1::int8 + 1 as next' },
    ]);
  });

  it('keep transactions and errors as they were: a failed statement rolls its transaction back', async () => {
    await db.kysely.schema.createTable('prepared_probe').addColumn('n', 'integer').execute();
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await trx
          .insertInto('prepared_probe' as never)
          .values({ n: 1 } as never)
          .execute();
        await trx
          .insertInto('prepared_probe' as never)
          .values({ n: 'not a number' } as never)
          .execute();
      }),
    ).rejects.toThrow();
    const rows = await db.kysely
      .selectFrom('prepared_probe' as never)
      .selectAll()
      .execute();
    expect(rows).toEqual([]);
  });
});
