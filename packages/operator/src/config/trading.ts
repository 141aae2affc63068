import { type PeerConfig, parsePeers } from '../federation/directory.ts';
import { type AcquiringFee, parseAcquiringFee } from '../fees/model.ts';
import type { QuotedRate } from '../rates/model.ts';
import { parseRateTable } from '../rates/table.ts';
import { ConfigError } from './errors.ts';
import type { Environment } from './load.ts';

/** Most peers one node federates with by configuration. */
export const PEERS_MAX = 100;

/**
 * `TALLY_PEERS=op-b=http://127.0.0.1:7071,op-c=https://c.example`: the
 * operators this node trades with (their keys come from their published
 * documents). Unset: none, trading sessions stay within this operator.
 */
export function readPeers(env: Environment, operatorId: string): readonly PeerConfig[] | undefined {
  const text = env.TALLY_PEERS;
  if (text === undefined || text.trim() === '') return undefined;
  const peers = parsePeers(text);
  if (typeof peers === 'string') throw new ConfigError('TALLY_PEERS', peers);
  if (peers.length > PEERS_MAX) throw new ConfigError('TALLY_PEERS', `more than ${PEERS_MAX} peers`);
  const ids = new Set<string>();
  for (const peer of peers) {
    if (peer.id === operatorId)
      throw new ConfigError('TALLY_PEERS', `names this operator (${operatorId}) itself`);
    if (ids.has(peer.id)) throw new ConfigError('TALLY_PEERS', `names ${peer.id} twice`);
    const protocol = new URL(peer.baseUrl).protocol;
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw new ConfigError('TALLY_PEERS', `${peer.id}: the address must be http(s)://`);
    }
    ids.add(peer.id);
  }
  return peers;
}

/**
 * `TALLY_RATES=SEK/EUR=0.0874,EUR/SEK=11.4` (1 SEK = 0.0874 EUR), an entry
 * optionally windowed `@<from>/<until>`: what this node, as an MTA, converts
 * customers' deposits at. Unset: same currency only (or the rates file).
 */
export function readRates(env: Environment): readonly QuotedRate[] | undefined {
  const text = env.TALLY_RATES;
  if (text === undefined || text.trim() === '') return undefined;
  const rates = parseRateTable(text);
  if (typeof rates === 'string') throw new ConfigError('TALLY_RATES', rates);
  return rates;
}

/** `TALLY_ACQUIRING_FEE=10+150bps`: the fee this node's MTA keeps of each merchant credit. */
export function readAcquiringFee(env: Environment): AcquiringFee | undefined {
  const text = env.TALLY_ACQUIRING_FEE;
  if (text === undefined || text.trim() === '') return undefined;
  const fee = parseAcquiringFee(text);
  if (typeof fee === 'string') throw new ConfigError('TALLY_ACQUIRING_FEE', fee);
  return fee;
}
