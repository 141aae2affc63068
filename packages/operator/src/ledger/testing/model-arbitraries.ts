import fc from 'fast-check';
import type { ResolutionInput, TransferInput } from '../model.ts';

/** Generators for the model-based test: small id pools so ids collide, accounts meet limits, holds get resolved. */

const MAX = 2n ** 63n - 1n;
export const ACCOUNT_IDS = ['A0', 'A1', 'A2', 'A3', 'A4'];
export const TRANSFER_IDS = Array.from({ length: 16 }, (_, i) => `t${i}`);

/**
 * A post or void whose hold is chosen when it runs, among the holds the model
 * knows (pending ones when `open`), so resolutions mostly meet real holds.
 */
export interface ResolutionTemplate {
  readonly template: 'resolution';
  readonly input: Omit<ResolutionInput, 'pendingId'>;
  readonly pick: number;
  readonly open: boolean;
}
export type Item = TransferInput | ResolutionTemplate;

const amountArb = fc.oneof(
  { weight: 12, arbitrary: fc.bigInt(1n, 60n) },
  { weight: 1, arbitrary: fc.constant(0n) },
  { weight: 1, arbitrary: fc.constantFrom(MAX, MAX - 1n, MAX / 2n + 1n) },
);
const idArb = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map((n) => `n${n}`) },
  { weight: 1, arbitrary: fc.constantFrom(...TRANSFER_IDS) },
);
/** Mostly two different accounts; sometimes the same one (accounts_must_be_different). */
const accountPairArb = fc
  .tuple(fc.nat(ACCOUNT_IDS.length - 1), fc.nat(ACCOUNT_IDS.length - 2), fc.nat(19))
  .map(([d, c, same]) => [
    ACCOUNT_IDS[d] as string,
    ACCOUNT_IDS[same === 0 ? d : c >= d ? c + 1 : c] as string,
  ]);
const movementArb = fc
  .record({
    id: idArb,
    pending: fc.nat(2).map((n) => n > 0),
    accounts: accountPairArb,
    amountMinor: amountArb,
    currency: fc.constantFrom('EUR', 'EUR', 'EUR', 'EUR', 'USD'),
    timeoutSeconds: fc.constantFrom(0, 0, 5, 30),
    code: fc.constantFrom(0, 0, 1),
    userData: fc.constantFrom(undefined, undefined, 'memo'),
  })
  .map(
    ({ pending, timeoutSeconds, userData, accounts: [debitAccountId, creditAccountId], ...rest }): Item => ({
      ...rest,
      kind: pending ? 'pending' : 'single',
      debitAccountId: debitAccountId as string,
      creditAccountId: creditAccountId as string,
      ...(pending ? { timeoutSeconds } : {}),
      ...(userData ? { userData } : {}),
    }),
  );
const resolutionArb = fc
  .record({
    id: idArb,
    post: fc.boolean(),
    pick: fc.nat(),
    open: fc.nat(4).map((n) => n > 0),
    amountMinor: fc.option(fc.bigInt(0n, 60n), { nil: undefined }),
    code: fc.constantFrom(0, 0, 1),
  })
  .map(
    ({ post, amountMinor, pick, open, ...rest }): Item => ({
      template: 'resolution',
      pick,
      open,
      input: { ...rest, kind: post ? 'post' : 'void', ...(amountMinor === undefined ? {} : { amountMinor }) },
    }),
  );
export const batchArb = fc
  .array(
    fc.tuple(
      fc.oneof({ weight: 3, arbitrary: movementArb }, { weight: 2, arbitrary: resolutionArb }),
      fc.nat(4),
    ),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((items) =>
    items.map(([item, r]): Item => {
      if (r !== 0) return item;
      return 'template' in item
        ? { ...item, input: { ...item.input, linked: true } }
        : { ...item, linked: true };
    }),
  );
export const accountArb = fc.record({
  id: fc.constantFrom('A3', 'A4'),
  currency: fc.constantFrom('EUR', 'EUR', 'USD'),
  kind: fc.constant('customer' as const),
  flags: fc.constantFrom(0, 1, 2, 3),
});
