import { isIP } from 'node:net';
import type { PartyError } from './errors.ts';
import { ENDPOINT_URL_LENGTH_MAX } from './model.ts';

/**
 * A merchant endpoint is where the operator will call the merchant, so it must
 * be https; plain http only to this machine (local development). No userinfo:
 * credentials in URLs end up in logs.
 */
export function parseEndpointUrl(value: string): URL | PartyError {
  if (value.length > ENDPOINT_URL_LENGTH_MAX) return 'endpoint_url_invalid';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'endpoint_url_invalid';
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') return 'endpoint_url_invalid';
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  return 'endpoint_url_invalid';
}

function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return isIP(bare) === 6 && bare === '::1';
}
