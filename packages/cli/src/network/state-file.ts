import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importStoredKey, type PartyCredentials } from './parties.ts';

/** The demo parties' credentials, kept beside the operators' data so a restart reuses them. */
export const STATE_FILE = 'network.json';
const STATE_VERSION = 1;
/** It holds API keys and private keys: the owner only. */
const OWNER_ONLY_MODE = 0o600;

export interface NetworkState {
  readonly customer: PartyCredentials;
  readonly merchant: PartyCredentials & { readonly endpointUrl: string };
}

interface StoredParty {
  readonly operatorId: string;
  readonly id: string;
  readonly accountId: string;
  readonly apiKey: string;
  readonly privateJwk: JsonWebKey;
}

interface StoredState {
  readonly version: number;
  readonly customer: StoredParty;
  readonly merchant: StoredParty & { readonly endpointUrl: string };
}

/** The saved state, or undefined when there is none yet. A file we cannot read is an error to show. */
export async function readNetworkState(dir: string): Promise<NetworkState | undefined> {
  const path = join(dir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const stored = parseState(text);
  if (!stored)
    throw new Error(`${path} is not a Tallystick network file we can read; remove it to start afresh`);
  return {
    customer: await partyOf(stored.customer),
    merchant: { ...(await partyOf(stored.merchant)), endpointUrl: stored.merchant.endpointUrl },
  };
}

/** Written to a temporary file first, so a crash never leaves half a file. */
export async function writeNetworkState(dir: string, state: NetworkState): Promise<void> {
  const stored: StoredState = {
    version: STATE_VERSION,
    customer: storedOf(state.customer),
    merchant: { ...storedOf(state.merchant), endpointUrl: state.merchant.endpointUrl },
  };
  const path = join(dir, STATE_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(stored, null, 2)}\n`, { mode: OWNER_ONLY_MODE });
  await chmod(temporary, OWNER_ONLY_MODE);
  await rename(temporary, path);
}

function parseState(text: string): StoredState | undefined {
  try {
    const stored = JSON.parse(text) as Partial<StoredState> | null;
    const complete =
      stored?.version === STATE_VERSION && stored.customer?.privateJwk && stored.merchant?.privateJwk;
    return complete ? (stored as StoredState) : undefined;
  } catch {
    return undefined;
  }
}

async function partyOf(stored: StoredParty): Promise<PartyCredentials> {
  return { ...stored, key: await importStoredKey(stored.privateJwk) };
}

function storedOf(party: PartyCredentials): StoredParty {
  return {
    operatorId: party.operatorId,
    id: party.id,
    accountId: party.accountId,
    apiKey: party.apiKey,
    privateJwk: party.privateJwk,
  };
}
