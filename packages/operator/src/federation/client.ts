import { withTimeout } from '@tallystick/protocol';
import type { PeerConfig } from './directory.ts';

/** How long one operator-to-operator call may take before it is abandoned. */
export const PEER_CALL_TIMEOUT_MS = 10_000;

export type PeerCallResult =
  | { readonly ok: true; readonly status: number; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

const NOT_JSON = Symbol('not JSON');

/**
 * Posts a JSON body (usually `{ jws }`) to a peer operator. Network failures
 * and non-JSON answers become `peer_unreachable` / `peer_bad_response` so the
 * caller can map them to its own error codes; nothing here throws for I/O.
 */
export async function postToPeer(
  peer: PeerConfig,
  path: string,
  body: unknown,
  options: { readonly timeoutMs?: number; readonly fetch?: typeof fetch } = {},
): Promise<PeerCallResult> {
  const doFetch = options.fetch ?? fetch;
  let answer: { readonly response: Response; readonly parsed: unknown; readonly json: boolean };
  try {
    answer = await withTimeout(options.timeoutMs ?? PEER_CALL_TIMEOUT_MS, async (signal) => {
      const response = await doFetch(new URL(path, peer.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      // Read within the timeout: a peer that sends its headers and then stalls is a peer that failed.
      const parsed = await response.json().catch(() => NOT_JSON);
      return { response, parsed, json: parsed !== NOT_JSON };
    });
  } catch (error) {
    return {
      ok: false,
      status: 0,
      code: 'peer_unreachable',
      message: `${peer.id}: ${(error as Error).message}`,
    };
  }
  const { response, parsed } = answer;
  if (!answer.json) {
    return { ok: false, status: response.status, code: 'peer_bad_response', message: `${peer.id}: not JSON` };
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return {
      ok: false,
      status: response.status,
      code: 'peer_bad_response',
      message: `${peer.id}: not an object`,
    };
  }
  const record = parsed as Record<string, unknown>;
  if (response.ok) return { ok: true, status: response.status, body: record };
  const error = record.error as { code?: unknown; message?: unknown } | undefined;
  return {
    ok: false,
    status: response.status,
    code: typeof error?.code === 'string' ? error.code : 'peer_error',
    message: typeof error?.message === 'string' ? error.message : `${peer.id} answered ${response.status}`,
  };
}
