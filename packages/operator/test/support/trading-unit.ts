import {
  generateSigningKey,
  importVerificationKey,
  type KeyResolver,
  type SigningKey,
  type VerificationKey,
} from '@tallystick/protocol';
import { type BillingService, createBillingService } from '../../src/billing/service.ts';
import type { Database } from '../../src/db/database.ts';
import type { PeerConfig } from '../../src/federation/directory.ts';
import type { LedgerService } from '../../src/ledger/model.ts';
import { createLedgerService } from '../../src/ledger/service.ts';
import { ensureOperatorAccounts } from '../../src/parties/operator-accounts.ts';
import { createDatabaseReplayGuard, type DatabaseReplayGuard } from '../../src/parties/replay-guard.ts';
import { createPartiesService, type PartiesService } from '../../src/parties/service.ts';
import { openTestDatabase } from './database.ts';
import type { TestClock } from './test-clock.ts';
import type { PartyHandle } from './trading-node.ts';

/** An operator signing key with its kid bound to the operator, as `loadOrCreateOperatorKey` makes them. */
export async function operatorKey(
  operatorId: string,
): Promise<{ key: SigningKey; verification: VerificationKey }> {
  const generated = await generateSigningKey();
  const kid = `${operatorId}:${generated.kid}`;
  const key = { ...generated, kid, publicJwk: { ...generated.publicJwk, kid } };
  const verification = { ...(await importVerificationKey(generated.publicJwk)), kid };
  return { key, verification };
}

/** A directory over a fixed set of operator keys, no HTTP. */
export function staticDirectory(
  keys: readonly { id: string; verification: VerificationKey }[],
  peers: readonly string[],
) {
  const byKid = new Map(keys.map((k) => [k.verification.kid, k]));
  const resolveOperatorKey: KeyResolver = async (kid) => {
    const found = byKid.get(kid);
    return found && { key: found.verification, issuer: found.id };
  };
  return {
    resolveOperatorKey,
    peer: (id: string): PeerConfig | undefined =>
      peers.includes(id) ? { id, baseUrl: `http://${id}.invalid` } : undefined,
  };
}

export interface UnitOperator {
  readonly id: string;
  readonly currency: string;
  readonly db: Database;
  readonly ledger: LedgerService;
  readonly parties: PartiesService;
  readonly billing: BillingService;
  readonly replayGuard: DatabaseReplayGuard;
  readonly key: SigningKey;
  readonly verification: VerificationKey;
  customer(creditLimitMinor: bigint): Promise<PartyHandle>;
  merchant(endpointUrl: string, key?: SigningKey): Promise<PartyHandle>;
  close(): Promise<void>;
}

/** The services under the AM and MTA on one fresh test database, without HTTP. */
export async function openUnitOperator(
  id: string,
  currency: string,
  clock: TestClock,
): Promise<UnitOperator> {
  const now = clock.now;
  const db = await openTestDatabase();
  const ledger = createLedgerService({ db, clock: now });
  const operatorAccounts = await ensureOperatorAccounts(ledger, id, currency);
  const parties = createPartiesService({
    db,
    ledger,
    operatorId: id,
    currency,
    operatorAccounts,
    clock: now,
  });
  const { key, verification } = await operatorKey(id);
  const register = async (
    result: Awaited<ReturnType<PartiesService['registerCustomer']>>,
    key: SigningKey,
  ) => {
    if (typeof result === 'string') throw new Error(`registration failed: ${result}`);
    return { id: result.party.id, accountId: result.party.accountId, apiKey: result.apiKey, key };
  };
  return {
    id,
    currency,
    db,
    ledger,
    parties,
    billing: createBillingService({ db, clock: now }),
    replayGuard: createDatabaseReplayGuard(db.kysely, now),
    key,
    verification,
    async customer(creditLimitMinor) {
      const partyKey = await generateSigningKey();
      const input = { displayName: 'Customer', publicJwk: partyKey.publicJwk, creditLimitMinor };
      return register(await parties.registerCustomer(input), partyKey);
    },
    async merchant(endpointUrl, merchantKey) {
      const partyKey = merchantKey ?? (await generateSigningKey());
      const input = { displayName: 'Merchant', publicJwk: partyKey.publicJwk, endpointUrl };
      return register(await parties.registerMerchant(input), partyKey);
    },
    close: () => db.close(),
  };
}
