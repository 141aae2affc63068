import { verifyMessage } from '@tallystick/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../../test/support/test-clock.ts';
import { openUnitOperator, type UnitOperator } from '../../../test/support/trading-unit.ts';
import {
  WEBHOOK_ATTEMPTS_MAX,
  WEBHOOK_BACKOFF_MS_MAX,
  WEBHOOK_ID_HEADER,
} from '../../webhooks/outbox-dispatcher.ts';
import { createBillingService } from '../service.ts';
import { BILLING_WEBHOOK_EVENT_TYPE, billingWebhookId } from './outbox.ts';
import { BILLING_WEBHOOK_MESSAGE_TYPE, createBillingWebhookDispatcher } from './worker.ts';

const rate = { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n };
const target = { url: 'https://billing.example/hooks/tally', audience: 'billing-1' };

describe('billing webhook', () => {
  let op: UnitOperator;
  let clock: TestClock;
  beforeAll(async () => {
    clock = createTestClock({ frozen: true });
    op = await openUnitOperator('op-a', 'SEK', clock);
  });
  afterAll(async () => {
    await op?.close();
  });

  it('delivers each record once in effect through failures and a lost answer, signed, with a dedupe id', async () => {
    const customer = await op.customer(0n);
    const billing = createBillingService({ db: op.db, clock: clock.now, webhook: target });
    // The receiver: down, then down, then applies but its answer is lost (500), then fine.
    const answers = ['throw', 503, 'apply-500', 200, 200];
    const applied = new Map<string, unknown>();
    const seen: { id: string | undefined; jws: string }[] = [];
    const dispatcher = createBillingWebhookDispatcher({
      db: op.db.kysely,
      operatorId: 'op-a',
      key: op.key,
      target,
      clock: clock.now,
      fetch: async (url, init) => {
        expect(url).toBe(target.url);
        seen.push({ id: init.headers[WEBHOOK_ID_HEADER], jws: init.body });
        const answer = answers.shift();
        if (answer === 'throw') throw new TypeError('connection refused');
        if (answer === 503) return { status: 503 };
        const { body } = await verifyMessage(init.body, {
          expectedType: BILLING_WEBHOOK_MESSAGE_TYPE,
          audience: target.audience,
          resolveKey: async (kid) =>
            kid === op.key.kid ? { key: op.verification, issuer: 'op-a' } : undefined,
          nowMs: clock.now().getTime(),
        });
        const event = body as { id: string; type: string; data: unknown };
        if (!applied.has(event.id)) applied.set(event.id, event); // the receiver's dedupe
        return { status: answer === 'apply-500' ? 500 : 200 };
      },
    });
    const record = {
      transactionId: 'op-a.9.1',
      kind: 'withdrawal' as const,
      partyId: customer.id,
      amountMinor: 1373n,
      currency: 'SEK',
      rate,
      feeMinor: 0n,
    };
    await billing.record(record);
    await billing.record(record); // a replay queues nothing more

    let rounds = 0;
    while (applied.size === 0 || seen.length < 4) {
      expect(++rounds).toBeLessThan(WEBHOOK_ATTEMPTS_MAX);
      await dispatcher.deliverDue();
      clock.advance(WEBHOOK_BACKOFF_MS_MAX);
    }
    expect(await dispatcher.deliverDue()).toBe(0); // delivered: nothing left
    const id = billingWebhookId(record);
    expect(seen.map((s) => s.id)).toEqual([id, id, id, id]);
    expect([...applied.keys()]).toEqual([id]);
    expect(applied.get(id)).toMatchObject({
      id,
      type: BILLING_WEBHOOK_EVENT_TYPE,
      data: { transactionId: 'op-a.9.1', kind: 'withdrawal', amountMinor: '1373', currency: 'SEK' },
    });
    const row = await op.db.kysely
      .selectFrom('billing_webhook_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ attempts: 4, failed_at: null, last_error: null });
    expect(row.delivered_at).not.toBeNull();
  });

  it('queues nothing when the record does not commit', async () => {
    const customer = await op.customer(0n);
    const billing = createBillingService({ db: op.db, clock: clock.now, webhook: target });
    const record = {
      transactionId: 'op-a.9.2',
      kind: 'withdrawal' as const,
      partyId: customer.id,
      amountMinor: 5n,
      currency: 'SEK',
      rate,
      feeMinor: 0n,
    };
    await expect(
      op.db.kysely.transaction().execute(async (trx) => {
        await billing.record(record, trx);
        throw new Error('the money movement failed');
      }),
    ).rejects.toThrow('the money movement failed');
    const rows = await op.db.kysely
      .selectFrom('billing_webhook_outbox')
      .select('id')
      .where('id', '=', billingWebhookId(record))
      .execute();
    expect(rows).toEqual([]);
  });
});
