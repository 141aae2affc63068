import pg from 'pg';
import { type LocalNetwork, startLocalNetwork } from '../../../../cli/src/network/network.ts';

/**
 * The local network of `tally start` / `tally demo` (packages/cli/src/network):
 * op-a (SEK) and op-b (EUR) as real operator nodes with real HTTP between
 * them and the demo shop. On in-memory PGlite, or with TEST_DATABASE_URL each
 * operator on its own fresh PostgreSQL database, dropped on close.
 */
export async function startScenarioNetwork(): Promise<LocalNetwork> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return startLocalNetwork({ storage: { kind: 'memory' }, basePort: 0 });
  const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const names = new Map<string, string>();
  const urlOf = (operatorId: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${names.get(operatorId)}`;
    return url.toString();
  };
  for (const id of ['op-a', 'op-b']) {
    const name = `tally_scenario_${id.replace('-', '_')}_${suffix}`;
    await adminQuery(serverUrl, `create database ${name}`);
    names.set(id, name);
  }
  const dropAll = async () => {
    for (const name of names.values()) {
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    }
  };
  try {
    const network = await startLocalNetwork({ storage: { kind: 'postgres', urlOf }, basePort: 0 });
    return {
      ...network,
      close: async () => {
        await network.close();
        await dropAll();
      },
    };
  } catch (error) {
    await dropAll();
    throw error;
  }
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
