import type { Database } from '../db/database.ts';
import type { LedgerService } from '../ledger/model.ts';
import { partyIdOfApiKey, secretMatches, sha256Hex } from './credentials.ts';
import { type CreditLimitChange, type CreditLimitInput, setCreditLimit } from './credit-limit.ts';
import type { PartyError } from './errors.ts';
import type { Party, PartyKey, Registration } from './model.ts';
import type { OperatorAccounts } from './operator-accounts.ts';
import { type RegistrationInput, registerParty } from './registration.ts';
import {
  type Executor,
  findKey,
  findKeysOfParty,
  findPartyById,
  findPartyCredentials,
} from './repository.ts';

export interface PartiesDeps {
  readonly db: Database;
  readonly ledger: LedgerService;
  readonly operatorId: string;
  readonly currency: string;
  readonly operatorAccounts: OperatorAccounts;
  readonly clock: () => Date;
}

export interface PartiesService {
  registerCustomer(input: {
    readonly displayName: string;
    readonly publicJwk: Readonly<Record<string, unknown>>;
    readonly creditLimitMinor: bigint;
  }): Promise<Registration | PartyError>;
  registerMerchant(input: {
    readonly displayName: string;
    readonly publicJwk: Readonly<Record<string, unknown>>;
    readonly endpointUrl: string;
  }): Promise<Registration | PartyError>;
  /**
   * A party by id, as read at most `AUTH_CACHE_TTL_MS` ago in this process
   * (see there). `db` reads a miss inside the caller's transaction (on PGlite
   * the transaction holds the one connection).
   */
  findParty(partyId: string, db?: Executor): Promise<Party | undefined>;
  keysOf(partyId: string): Promise<readonly PartyKey[]>;
  /** The party an API key belongs to, or undefined for a wrong, unknown or malformed key. */
  authenticateApiKey(apiKey: string): Promise<Party | undefined>;
  /** The key with this id when it belongs to `partyId`: a party can only sign as itself. */
  findKeyOf(partyId: string, kid: string): Promise<PartyKey | undefined>;
  setCreditLimit(input: CreditLimitInput): Promise<CreditLimitChange | PartyError>;
}

/**
 * Party keys read so far, by kid, per service (so per operator database).
 * Sound because a `party_keys` row is never updated or deleted: a kid names
 * one public key of one party for good. A key revocation feature must drop
 * this cache (or give up on it). Bounded: past the limit it starts over.
 */
const KEY_CACHE_ENTRIES_MAX = 10_000;
/**
 * An authenticated API key is trusted for this long without reading its party
 * again: one SQL read fewer per signed call. The party row only changes by a
 * credit limit change, which empties the cache in this process (another
 * process may show the old limit this long; the limit itself is enforced by
 * the ledger, not by this row). Keyed by the key's SHA-256, never the key.
 * A party found by id (the MTA reads the merchant at registration and at
 * clearing) is kept as long, on the same rule.
 */
const AUTH_CACHE_TTL_MS = 2_000;
const AUTH_CACHE_ENTRIES_MAX = 10_000;

export function createPartiesService(deps: PartiesDeps): PartiesService {
  const db = deps.db.kysely;
  const register = (input: RegistrationInput) => registerParty(deps, input);
  const keys = new Map<string, PartyKey>();
  const authenticated = createPartyCache(deps.clock);
  const byId = createPartyCache(deps.clock);
  const findParty = async (partyId: string, executor: Executor = db): Promise<Party | undefined> => {
    const cached = byId.get(partyId);
    if (cached) return cached;
    const found = await findPartyById(executor, partyId);
    return found && byId.set(partyId, found);
  };
  const keyOf = async (kid: string): Promise<PartyKey | undefined> => {
    const cached = keys.get(kid);
    if (cached) return cached;
    const found = await findKey(db, kid);
    if (!found) return undefined;
    // Shared by every later caller: frozen, so none can change what another sees.
    const key = Object.freeze({ ...found, publicJwk: Object.freeze({ ...found.publicJwk }) });
    if (keys.size >= KEY_CACHE_ENTRIES_MAX) keys.clear();
    keys.set(kid, key);
    return key;
  };
  return {
    registerCustomer: (input) => register({ ...input, kind: 'customer', endpointUrl: null }),
    registerMerchant: (input) => register({ ...input, kind: 'merchant', creditLimitMinor: 0n }),
    findParty,
    keysOf: (partyId) => findKeysOfParty(db, partyId),
    async authenticateApiKey(apiKey) {
      const partyId = partyIdOfApiKey(apiKey);
      if (partyId === undefined) return undefined;
      const digest = sha256Hex(apiKey);
      const cached = authenticated.get(digest);
      if (cached) return cached;
      const found = await findPartyCredentials(db, partyId);
      if (!found || !secretMatches(apiKey, found.apiKeySha256)) return undefined;
      authenticated.set(digest, found.party);
      return found.party;
    },
    async findKeyOf(partyId, kid) {
      const key = await keyOf(kid);
      return key?.partyId === partyId ? key : undefined;
    },
    async setCreditLimit(input) {
      const result = await setCreditLimit(deps, input);
      // The party row changed: no cached copy may show the old limit in this process.
      authenticated.clear();
      byId.clear();
      return result;
    },
  };
}

/** Parties read in the last `AUTH_CACHE_TTL_MS`, frozen (shared by every caller), bounded: past the limit it starts over. */
function createPartyCache(clock: () => Date) {
  const entries = new Map<string, { readonly party: Party; readonly untilMs: number }>();
  return {
    get(key: string): Party | undefined {
      const cached = entries.get(key);
      return cached && cached.untilMs > clock().getTime() ? cached.party : undefined;
    },
    set(key: string, party: Party): Party {
      if (entries.size >= AUTH_CACHE_ENTRIES_MAX) entries.clear();
      const frozen = Object.freeze({ ...party });
      entries.set(key, { party: frozen, untilMs: clock().getTime() + AUTH_CACHE_TTL_MS });
      return frozen;
    },
    clear: () => entries.clear(),
  };
}
