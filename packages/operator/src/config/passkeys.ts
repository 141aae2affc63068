import { isIP } from 'node:net';
import type { RelyingParty } from '../passkeys/model.ts';
import { ConfigError } from './errors.ts';
import type { Environment } from './load.ts';

const DOMAIN_PATTERN =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * `TALLY_PASSKEY_RP_ID=pay.example` (and `TALLY_PASSKEY_ORIGIN`, default
 * `https://<rp id>`): the WebAuthn relying party every passkey is scoped to.
 * Unset: taken from each request's Host header, which the client controls,
 * so production sets it.
 */
export function readPasskeyRelyingParty(env: Environment): RelyingParty | undefined {
  const rpId = env.TALLY_PASSKEY_RP_ID?.trim() || undefined;
  const origin = env.TALLY_PASSKEY_ORIGIN?.trim() || undefined;
  if (rpId === undefined) {
    if (origin !== undefined)
      throw new ConfigError('TALLY_PASSKEY_RP_ID', 'is required with TALLY_PASSKEY_ORIGIN');
    return undefined;
  }
  if (!DOMAIN_PATTERN.test(rpId) || isIP(rpId) !== 0)
    throw new ConfigError('TALLY_PASSKEY_RP_ID', `${JSON.stringify(rpId)} is not a lowercase domain name`);
  return { rpId, origin: readOrigin(origin ?? `https://${rpId}`, rpId) };
}

/** Browsers only run WebAuthn on an https origin (or http on localhost) within the rp id's domain. */
function readOrigin(value: string, rpId: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && url.hostname === 'localhost');
  if (!url || !secure || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '')
    throw new ConfigError(
      'TALLY_PASSKEY_ORIGIN',
      'must be an https:// origin (http:// only on localhost), without path, e.g. https://pay.example',
    );
  if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`))
    throw new ConfigError('TALLY_PASSKEY_ORIGIN', `must be on ${rpId} or a subdomain (TALLY_PASSKEY_RP_ID)`);
  return url.origin;
}

const LOOPBACK_HOSTS = new Set(['localhost', '::1']);

/**
 * The start-up warning for a node whose passkeys trust the Host header, or
 * undefined: none when the relying party is configured, nor on a loopback-only
 * node (local development, where only this machine can reach it). A node on
 * loopback behind a reverse proxy gets no warning and must be configured:
 * the README says so.
 */
export function hostDerivedPasskeyWarning(config: {
  readonly host: string;
  readonly passkeyRelyingParty?: RelyingParty;
}): string | undefined {
  if (config.passkeyRelyingParty) return undefined;
  const loopback =
    LOOPBACK_HOSTS.has(config.host) || (isIP(config.host) === 4 && config.host.startsWith('127.'));
  if (loopback) return undefined;
  return 'passkeys: relying party id and origin are taken from the Host header; set TALLY_PASSKEY_RP_ID and TALLY_PASSKEY_ORIGIN in production';
}
