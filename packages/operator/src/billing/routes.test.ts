import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestOperator, type TestOperator } from '../../test/support/operator.ts';

describe('GET /v1/admin/billing/export: a bad since', () => {
  let op: TestOperator;
  beforeAll(async () => {
    op = await openTestOperator();
  });
  afterAll(async () => {
    await op?.close();
  });

  it.each([
    ['0000-01-01T00:00:00Z', 'since_invalid'],
    ['0000-12-31T23:59:59+01:00', 'since_invalid'],
    ['9999-12-31T23:59:60Z', 'since_invalid'],
    ['2030-02-30T00:00:00Z', 'request_invalid'],
    ['yesterday', 'request_invalid'],
  ])('refuses since=%s with 400 %s (year 0 was a 500 from the database)', async (since, code) => {
    const res = await op.request(
      'GET',
      `/v1/admin/billing/export?format=json&since=${encodeURIComponent(since)}`,
      {
        as: 'admin',
      },
    );
    expect([res.status, res.body.error?.code]).toEqual([400, code]);
    expect(res.body.error.message.length).toBeGreaterThan(5);
  });

  it.each(['1.5', 'true', '0x10'])(
    'refuses limit=%s (TypeBox would read it as an integer)',
    async (limit) => {
      const res = await op.request(
        'GET',
        `/v1/admin/billing/export?format=json&since=2030-01-01T00:00:00Z&limit=${limit}`,
        { as: 'admin' },
      );
      expect([res.status, res.body.error?.code]).toEqual([400, 'request_invalid']);
    },
  );

  it('still answers from year 1 on', async () => {
    const res = await op.request('GET', '/v1/admin/billing/export?format=json&since=0001-01-01T00:00:00Z', {
      as: 'admin',
    });
    expect(res.status).toBe(200);
  });
});
