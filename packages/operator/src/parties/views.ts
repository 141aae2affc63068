import type { Static } from 'typebox';
import type { Transfer } from '../ledger/model.ts';
import type { AccountView as AccountWithOwner, TransferPage } from './accounts.ts';
import type { CreditLimitChange } from './credit-limit.ts';
import type { Party, PartyKey } from './model.ts';
import type { AccountView, CreditLimitResult, Me, TransferPageView, TransferView } from './wire.ts';

/** Domain values to wire shapes: bigint becomes a decimal string, Date an RFC 3339 string. */

export function meView(party: Party, keys: readonly PartyKey[]): Static<typeof Me> {
  return {
    partyId: party.id,
    kind: party.kind,
    displayName: party.displayName,
    accountId: party.accountId,
    currency: party.currency,
    keys: keys.map((key) => ({ keyId: key.kid, alg: key.alg, publicJwk: { ...key.publicJwk } })),
    endpointUrl: party.endpointUrl,
    creditLimitMinor: party.creditLimitMinor.toString(),
    createdAt: party.createdAt.toISOString(),
  };
}

export function accountView({ account, owner }: AccountWithOwner): Static<typeof AccountView> {
  const posted = account.creditsPostedMinor - account.debitsPostedMinor;
  return {
    accountId: account.id,
    currency: account.currency,
    kind: account.kind,
    ownerId: owner?.id ?? null,
    postedMinor: posted.toString(),
    pendingMinor: (account.creditsPendingMinor - account.debitsPendingMinor).toString(),
    // What can be spent now: holds already count against it, incoming holds do not yet.
    availableMinor: (posted - account.debitsPendingMinor).toString(),
    debitsPostedMinor: account.debitsPostedMinor.toString(),
    creditsPostedMinor: account.creditsPostedMinor.toString(),
    debitsPendingMinor: account.debitsPendingMinor.toString(),
    creditsPendingMinor: account.creditsPendingMinor.toString(),
    createdAt: account.createdAt.toISOString(),
  };
}

export function transferView(transfer: Transfer): Static<typeof TransferView> {
  return {
    id: transfer.id,
    kind: transfer.kind,
    debitAccountId: transfer.debitAccountId,
    creditAccountId: transfer.creditAccountId,
    amountMinor: transfer.amountMinor.toString(),
    currency: transfer.currency,
    pendingId: transfer.pendingId,
    pendingStatus: transfer.pendingStatus,
    expiresAt: transfer.expiresAt?.toISOString() ?? null,
    seq: transfer.seq.toString(),
    createdAt: transfer.createdAt.toISOString(),
  };
}

export function transferPageView(page: TransferPage): Static<typeof TransferPageView> {
  return { transfers: page.transfers.map(transferView), nextBefore: page.nextBeforeSeq?.toString() ?? null };
}

export function creditLimitView(change: CreditLimitChange): Static<typeof CreditLimitResult> {
  return {
    customerId: change.customerId,
    creditLimitMinor: change.creditLimitMinor.toString(),
    previousCreditLimitMinor: change.previousCreditLimitMinor.toString(),
    transferId: change.transferId,
    replayed: change.replayed,
  };
}
