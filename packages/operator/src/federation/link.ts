import type { PeerCallResult } from './client.ts';

/**
 * What one role of an operator gets back from another (AM <-> MTA), whether
 * the other is this node (a function call) or a peer (HTTP): the same shape,
 * so the caller handles both alike and a test of one covers the other.
 */
export type LinkResult<T> = { readonly ok: true; readonly value: T } | LinkFailure;

export interface LinkFailure {
  readonly ok: false;
  /** The HTTP status the other side answered with; 0 when it could not be reached. */
  readonly status: number;
  /** Its error code, or `peer_unreachable` / `peer_bad_response`. */
  readonly code: string;
  readonly message: string;
}

/** A domain result (`value | code`) as a link result, statuses and messages from the domain's maps. */
export function linkResultOf<T extends object, E extends string>(
  result: T | E,
  status: { readonly [k in E]: number },
  messages: { readonly [k in E]: string },
): LinkResult<T> {
  if (typeof result !== 'string') return { ok: true, value: result };
  return { ok: false, status: status[result], code: result, message: messages[result] };
}

/** A peer's HTTP answer as a link result; `read` picks the expected fields or says the body is wrong. */
export function linkResultOfPeer<T>(
  peerId: string,
  result: PeerCallResult,
  read: (body: Record<string, unknown>) => T | undefined,
): LinkResult<T> {
  if (!result.ok) return result;
  const value = read(result.body);
  if (value === undefined) {
    return {
      ok: false,
      status: result.status,
      code: 'peer_bad_response',
      message: `${peerId}: the answer lacks the expected fields`,
    };
  }
  return { ok: true, value };
}

/** A compact JWS field of a peer's answer, or undefined. */
export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}
