import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettlementFaultPoint } from '../../src/settlement/model.ts';
import { type CrossOperatorWorld, startCrossOperatorWorld } from '../support/cross-operator.ts';
import { createTestClock } from '../support/test-clock.ts';
import type { TestMerchant } from '../support/test-merchant.ts';
import { testWallet } from '../support/test-wallet.ts';
import type { TradingNode } from '../support/trading-node.ts';

const FAULT_POINTS: readonly SettlementFaultPoint[] = [
  'prepared',
  'sent',
  'peer_acknowledged',
  'acknowledged',
  'peer_settled',
];

describe('settlement between operators (SEK customers at op-a, EUR merchant at op-b)', () => {
  let opA: TradingNode;
  let opB: TradingNode;
  let shop: TestMerchant;
  const clock = createTestClock();

  let world: CrossOperatorWorld;
  beforeAll(async () => {
    world = await startCrossOperatorWorld(clock);
    ({ opA, opB, shop } = world);
  });
  afterAll(async () => {
    await world?.close();
  });

  /** One cleared session: the customer at op-a buys for `prices` EUR cents at op-b's merchant. */
  async function clearedSession(prices: readonly bigint[]): Promise<string> {
    const customer = await opA.customer(100_000n);
    const wallet = testWallet(opA, customer);
    const t = await wallet.initiate(await wallet.openSession(), {
      depositMinor: 10_000n,
      merchantId: shop.id,
      merchantOperatorId: 'op-b',
    });
    for (const price of prices) await shop.accept(t.transactionId, await wallet.buy(t, price));
    await wallet.handIn(t, await wallet.record(t));
    await opB.request('POST', `/v1/mta/transactions/${t.transactionId}/merchant-record`, {
      apiKey: shop.apiKey,
      body: { record: await shop.record(t.transactionId) },
    });
    await opB.worker.runOnce();
    expect((await wallet.view(t.transactionId)).body.status).toBe('cleared');
    return t.transactionId;
  }

  async function settlementTransfers(node: TradingNode, batchId: string): Promise<number> {
    const { rows } = await sql<{ n: bigint }>`
      select count(*) as n from ledger_transfers where id = ${`stl.${batchId}.SEK`}`.execute(node.db.kysely);
    return Number(rows[0]?.n ?? 0n);
  }

  async function expectBooksAgree(): Promise<void> {
    for (const node of [opA, opB]) {
      const lines = await node.trading.settlement.reconciliation();
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line.differenceMinor).toBe(0n);
        expect(line.settlementDifferenceMinor).toBe(0n);
      }
      for (const sum of Object.values(await node.sums())) expect(sum).toEqual({ posted: 0n, pending: 0n });
    }
  }

  it('nets the clearings into one batch, both sides sign their view, and the interop accounts return to zero', async () => {
    const ids = [await clearedSession([120n, 35n]), await clearedSession([200n])];
    // Cleared customer amounts: ceil(155 / 0.0874) and ceil(200 / 0.0874) SEK öre.
    const owed = 1774n + 2289n;
    expect(await opA.posted('op.op-a.interop.op-b.SEK')).toBe(owed);
    expect(await opB.posted('op.op-b.interop.op-a.SEK')).toBe(-owed);

    const batch = await opA.trading.settlement.run('op-b', 'SEK');
    if (!batch || typeof batch === 'string') throw new Error(`run failed: ${String(batch)}`);
    expect(batch).toMatchObject({ status: 'settled', netMinor: -owed, itemCount: 2, role: 'initiator' });
    expect(batch.statementJws).toBeTruthy();
    expect(batch.acknowledgementJws).toBeTruthy();
    const peerCopy = await opB.trading.settlement.batch(batch.id);
    expect(peerCopy?.batch).toMatchObject({ status: 'settled', netMinor: owed, role: 'responder' });
    expect(peerCopy?.items.map((item) => item.transactionId).sort()).toEqual([...ids].sort());

    expect(await opA.posted('op.op-a.interop.op-b.SEK')).toBe(0n);
    expect(await opB.posted('op.op-b.interop.op-a.SEK')).toBe(0n);
    expect(await opA.posted('op.op-a.settlement.op-b.SEK')).toBe(owed);
    expect(await opB.posted('op.op-b.settlement.op-a.SEK')).toBe(-owed);
    await expectBooksAgree();

    // Nothing left: a second run prepares no batch, and nothing is batched twice.
    expect(await opA.trading.settlement.run('op-b', 'SEK')).toBeUndefined();
    expect(await opB.trading.settlement.run('op-a', 'SEK')).toBeUndefined();
  });

  it.each(FAULT_POINTS)('a run killed at "%s" resumes and settles once', async (point) => {
    await clearedSession([50n, 70n]);
    const before = await opA.posted('op.op-a.settlement.op-b.SEK');
    const killed = opA.trading.settlement.run('op-b', 'SEK', {
      fault: (at) => {
        if (at === point) throw new Error(`killed at ${at}`);
      },
    });
    await expect(killed).rejects.toThrow(`killed at ${point}`);
    const [open] = await opA.trading.settlement.list(1);
    if (!open) throw new Error('no batch');
    expect(open.status).not.toBe('settled');

    const resumed = await opA.trading.settlement.run('op-b', 'SEK');
    if (!resumed || typeof resumed === 'string') throw new Error(`resume failed: ${String(resumed)}`);
    expect(resumed.id).toBe(open.id);
    expect(resumed.status).toBe('settled');
    // Once more: nothing to do, nothing booked again.
    expect(await opA.trading.settlement.run('op-b', 'SEK')).toBeUndefined();

    expect(await settlementTransfers(opA, resumed.id)).toBe(1);
    expect(await settlementTransfers(opB, resumed.id)).toBe(1);
    expect((await opB.trading.settlement.batch(resumed.id))?.batch.status).toBe('settled');
    expect((await opA.posted('op.op-a.settlement.op-b.SEK')) - before).toBe(-resumed.netMinor);
    expect(await opA.posted('op.op-a.interop.op-b.SEK')).toBe(0n);
    await expectBooksAgree();
  });

  it('the peer refuses a statement whose items differ from its own clearings', async () => {
    const transactionId = await clearedSession([10n]);
    await sql`update am_clearings set cleared_customer_minor = cleared_customer_minor + 1
               where transaction_id = ${transactionId}`.execute(opA.db.kysely);
    expect(await opA.trading.settlement.run('op-b', 'SEK')).toBe('settlement_peer_failed');
    const [stuck] = await opA.trading.settlement.list(1);
    expect(stuck?.status).toBe('sent');
    expect(await opB.trading.settlement.batch(stuck?.id ?? '')).toBeUndefined();
    // The reconciliation shows the tampered record as a difference on op-a.
    const [line] = await opA.trading.settlement.reconciliation();
    expect(line?.differenceMinor).toBe(1n);
  });
});
