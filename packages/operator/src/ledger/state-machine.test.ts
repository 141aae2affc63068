import { describe, expect, it } from 'vitest';
import { LedgerInvariantError } from './assert.ts';
import { expireDueHolds } from './hold-lifecycle.ts';
import { AccountFlags } from './model.ts';
import { type AccountState, LedgerState } from './state.ts';
import { executeTransfers } from './state-machine.ts';
import { hold, post, single, voidHold } from './testing/fixtures.ts';

/** The state machine alone: no database, no clock, just state in and decisions out. */

const NOW = new Date('2030-01-01T00:00:00.000Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

function accountState(id: string, flags = 0, creditsPostedMinor = 0n): AccountState {
  return {
    id,
    currency: 'EUR',
    kind: 'customer',
    flags,
    debitsPendingMinor: 0n,
    debitsPostedMinor: 0n,
    creditsPendingMinor: 0n,
    creditsPostedMinor,
    createdAt: NOW,
  };
}

function freshState(): LedgerState {
  return new LedgerState(
    [accountState('a', AccountFlags.debitsMustNotExceedCredits, 100n), accountState('b'), accountState('c')],
    [],
  );
}

describe('state machine', () => {
  it('records only the net changes of a batch for the store', () => {
    const state = freshState();
    const outcomes = executeTransfers(
      state,
      [
        single('t1', 'a', 'b', 10n),
        hold('h1', 'a', 'b', 5n),
        post('p1', 'h1', { amountMinor: 2n }),
        single('t2', 'b', 'a', 10n),
      ],
      NOW,
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true]);
    expect(state.created().map((t) => [t.id, t.kind, t.amountMinor])).toEqual([
      ['t1', 'single', 10n],
      ['h1', 'pending', 5n],
      ['p1', 'post', 2n],
      ['t2', 'single', 10n],
    ]);
    expect(state.created()[1]?.pendingStatus).toBe('posted');
    const changed = state
      .changedAccounts()
      .map((a) => [
        a.id,
        a.debitsPendingMinor,
        a.debitsPostedMinor,
        a.creditsPendingMinor,
        a.creditsPostedMinor,
      ]);
    expect(changed).toEqual([
      ['a', 0n, 12n, 0n, 110n],
      ['b', 0n, 10n, 0n, 12n],
    ]);
    expect(state.resolvedHolds()).toEqual([]);
  });

  it('rolls a failed chain back exactly, leaving nothing to write', () => {
    const state = freshState();
    const outcomes = executeTransfers(
      state,
      [
        hold('h', 'a', 'b', 60n, { linked: true }),
        post('p', 'h', { linked: true }),
        single('x', 'a', 'c', 41n),
      ],
      NOW,
    );
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error))).toEqual([
      'linked_event_failed',
      'linked_event_failed',
      'exceeds_credits',
    ]);
    expect(state.created()).toEqual([]);
    expect(state.changedAccounts()).toEqual([]);
    expect(state.transfer('h')).toBeUndefined();
  });

  it('expires due holds it was given, and only those', () => {
    const state = freshState();
    executeTransfers(
      state,
      [hold('h1', 'a', 'b', 5n, { timeoutSeconds: 10 }), hold('h2', 'a', 'b', 5n, { timeoutSeconds: 20 })],
      NOW,
    );
    expect(expireDueHolds(state, ['h1', 'h2', 'missing'], later(10))).toBe(1);
    expect(state.transfer('h1')?.pendingStatus).toBe('expired');
    expect(state.transfer('h1~expire')).toMatchObject({
      kind: 'expire',
      pendingId: 'h1',
      amountMinor: 5n,
      createdAt: later(10),
    });
    const outcomes = executeTransfers(state, [voidHold('v1', 'h1'), voidHold('v2', 'h2')], later(10));
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error))).toEqual(['pending_transfer_expired', 'ok']);
  });

  it('stops on a broken invariant instead of guessing', () => {
    const state = freshState();
    executeTransfers(state, [hold('h', 'a', 'b', 5n, { timeoutSeconds: 1 })], NOW);
    // A batch that forgot to expire a due hold first is a bug in the caller.
    expect(() => executeTransfers(state, [post('p', 'h')], later(1))).toThrow(LedgerInvariantError);
    const notBigint = { ...single('n', 'a', 'b', 1n), amountMinor: 1 as unknown as bigint };
    expect(() => executeTransfers(freshState(), [notBigint], NOW)).toThrow(LedgerInvariantError);
  });
});
