import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestOperator, type TestOperator } from '../../test/support/operator.ts';

/** Regression from test/fuzz/http-bad-input.test.ts: a NUL in a batch id reached PostgreSQL and was a 500. */
describe('settlement routes: a batch id with a control character', () => {
  let op: TestOperator;
  beforeAll(async () => {
    op = await openTestOperator();
  });
  afterAll(async () => {
    await op?.close();
  });

  it.each(['a%00b', '%00', 'b-%0A'])(
    'GET /v1/admin/settlement/batches/%s is a 400, not a 500',
    async (id) => {
      const before = await op.snapshot();
      const res = await op.request('GET', `/v1/admin/settlement/batches/${id}`, { as: 'admin' });
      expect([res.status, res.body.error?.code]).toEqual([400, 'request_invalid']);
      expect(await op.snapshot()).toEqual(before);
    },
  );

  it('still answers an unknown, well-formed batch id with 404', async () => {
    const res = await op.request('GET', '/v1/admin/settlement/batches/b-unknown', { as: 'admin' });
    expect(res.status).toBe(404);
  });
});
