import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { newApiKey, newPartyId, sha256Hex } from './credentials.ts';
import { parseEndpointUrl } from './endpoint-url.ts';
import type { PartyError } from './errors.ts';
import { parsePublicJwk } from './keys.ts';
import { type Applied, applyTransfer, createAccount } from './ledger-calls.ts';
import {
  DISPLAY_NAME_LENGTH_MAX,
  LedgerIds,
  PARTY_ID_PREFIX,
  type Party,
  type PartyKey,
  type PartyKind,
  partyAccountId,
  type Registration,
} from './model.ts';
import { PARTY_ACCOUNT_FLAGS } from './operator-accounts.ts';
import { findKey, insertParty } from './repository.ts';
import type { PartiesDeps } from './service.ts';
import { inTransaction, isUniqueViolation } from './transaction.ts';

export interface RegistrationInput {
  readonly kind: PartyKind;
  readonly displayName: string;
  readonly publicJwk: Readonly<Record<string, unknown>>;
  readonly endpointUrl: string | null;
  readonly creditLimitMinor: bigint;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * One transaction: the ledger account, the party, its key and its initial
 * credit. Any refusal rolls all of it back, so a failed registration leaves
 * nothing behind.
 */
export async function registerParty(
  deps: PartiesDeps,
  input: RegistrationInput,
): Promise<Registration | PartyError> {
  const displayName = input.displayName.normalize('NFC').trim();
  if (
    displayName === '' ||
    displayName.length > DISPLAY_NAME_LENGTH_MAX ||
    CONTROL_CHARACTERS.test(displayName)
  ) {
    return 'display_name_invalid';
  }
  const endpoint = input.endpointUrl === null ? null : parseEndpointUrl(input.endpointUrl);
  if (typeof endpoint === 'string') return endpoint;
  const verificationKey = await parsePublicJwk(input.publicJwk);
  if (typeof verificationKey === 'string') return verificationKey;

  const partyId = newPartyId(PARTY_ID_PREFIX[input.kind]);
  const apiKey = newApiKey(partyId);
  const party: Party = {
    id: partyId,
    kind: input.kind,
    displayName,
    accountId: partyAccountId(partyId, deps.currency),
    currency: deps.currency,
    endpointUrl: endpoint?.href ?? null,
    creditLimitMinor: input.creditLimitMinor,
    createdAt: deps.clock(),
  };
  const key: PartyKey = {
    kid: verificationKey.kid,
    partyId,
    alg: verificationKey.alg,
    publicJwk: stringMembers(verificationKey.publicJwk),
  };
  try {
    return await inTransaction<Registration, PartyError>(deps.db.kysely, async (trx) => {
      if (await findKey(trx, key.kid)) return 'public_key_in_use';
      await createAccount(
        deps.ledger,
        { id: party.accountId, currency: party.currency, kind: party.kind, flags: PARTY_ACCOUNT_FLAGS },
        trx,
      );
      await insertParty(trx, { party, apiKeySha256: sha256Hex(apiKey), key });
      const granted = await grantInitialCredit(deps, party, trx);
      if (typeof granted === 'string') return granted;
      return { party, key, apiKey };
    });
  } catch (error) {
    // Two registrations of one key at once: the loser hits the primary key.
    if (isUniqueViolation(error, 'party_keys_pkey')) return 'public_key_in_use';
    throw error;
  }
}

/** The customer's limit arrives as ledger money from the operator's credit line. */
async function grantInitialCredit(
  deps: PartiesDeps,
  party: Party,
  trx: Kysely<Schema>,
): Promise<Applied | null | PartyError> {
  if (party.creditLimitMinor === 0n) return null;
  return applyTransfer(
    deps.ledger,
    {
      id: LedgerIds.initialCreditLimit(party.id),
      kind: 'single',
      debitAccountId: deps.operatorAccounts.creditLineAccountId,
      creditAccountId: party.accountId,
      amountMinor: party.creditLimitMinor,
      currency: party.currency,
    },
    trx,
  );
}

/** The canonical public JWK holds only string members (kty, crv, x, y, kid, alg). */
function stringMembers(jwk: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(jwk).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
