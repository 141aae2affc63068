import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a webhook must not reach (SSRF): loopback, private, link-local, CGNAT, unspecified, multicast. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

export type HostResolver = (host: string) => Promise<readonly string[]>;

export const resolveHost: HostResolver = async (host) =>
  (await lookup(host, { all: true })).map((a) => a.address);

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Refuses a target any of whose addresses is private, unless development allows it. */
export async function checkWebhookTarget(
  url: string,
  options: { readonly allowPrivate: boolean; readonly resolve: HostResolver },
): Promise<'ok' | 'webhook_target_invalid' | 'webhook_target_private' | 'webhook_target_unresolvable'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'webhook_target_invalid';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'webhook_target_invalid';
  if (options.allowPrivate) return 'ok';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: readonly string[];
  try {
    addresses = isIP(host) ? [host] : await options.resolve(host);
  } catch {
    return 'webhook_target_unresolvable';
  }
  if (addresses.length === 0) return 'webhook_target_unresolvable';
  return addresses.some(isPrivateAddress) ? 'webhook_target_private' : 'ok';
}
