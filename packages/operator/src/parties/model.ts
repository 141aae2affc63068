import type { SigningAlgorithm } from '@tallystick/protocol';

export type PartyKind = 'customer' | 'merchant';

/** A customer or merchant of this operator, as the rest of the node sees it (never the API key hash). */
export interface Party {
  readonly id: string;
  readonly kind: PartyKind;
  readonly displayName: string;
  /** The party's one ledger account, in the operator's currency. */
  readonly accountId: string;
  readonly currency: string;
  /** Merchants only. */
  readonly endpointUrl: string | null;
  /** Customers only (0 for merchants): ledger money lent by the operator's credit line. */
  readonly creditLimitMinor: bigint;
  readonly createdAt: Date;
}

export interface PartyKey {
  readonly kid: string;
  readonly partyId: string;
  readonly alg: SigningAlgorithm;
  readonly publicJwk: Readonly<Record<string, string>>;
}

/** Who is calling: the operator's administrator or one of its parties. */
export type Principal = { readonly kind: 'admin' } | { readonly kind: 'party'; readonly party: Party };

/** A registration's answer: the API key is shown this once and only its hash is kept. */
export interface Registration {
  readonly party: Party;
  readonly key: PartyKey;
  readonly apiKey: string;
}

export const PARTY_ID_PREFIX: { readonly [k in PartyKind]: string } = { customer: 'cus', merchant: 'mer' };
/** `cus-` or `mer-` and 16 base32 characters (80 random bits); fits ledger ids and the API key format. */
export const PARTY_ID_PATTERN = '^(cus|mer)-[a-z2-7]{16}$';
export const DISPLAY_NAME_LENGTH_MAX = 100;
export const ENDPOINT_URL_LENGTH_MAX = 2048;
/** Client-chosen ids (transfers, requests); no ":" so a scope prefix can never be forged. */
export const CLIENT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
export const TRANSFER_PAGE_LIMIT_DEFAULT = 50;
export const TRANSFER_PAGE_LIMIT_MAX = 200;

/** The party's account id: its id and currency, readable in any statement. */
export function partyAccountId(partyId: string, currency: string): string {
  return `${partyId}.${currency}`;
}

/**
 * Ledger transfer ids are namespaced by who chose them, so one party's ids
 * never collide with (or reveal) another's, nor with the admin's.
 */
export const LedgerIds = {
  partyTransfer: (partyId: string, transferId: string) => `${partyId}:${transferId}`,
  funding: (transferId: string) => `fund:${transferId}`,
  creditLimit: (customerId: string, requestId: string) => `limit:${customerId}:${requestId}`,
  initialCreditLimit: (customerId: string) => `limit:${customerId}`,
} as const;
