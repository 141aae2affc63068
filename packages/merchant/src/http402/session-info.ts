import type { MerchantSession } from '../session/model.ts';

export interface HashChainTerms {
  readonly rootHex: string;
  readonly unitPriceMinor: bigint;
  readonly lengthMax: number;
}

/**
 * The hash-chain commitment of a stored session. The session row keeps the
 * information message it was created from (verified when it was stored), so
 * the commitment is read from there rather than from a column of its own.
 */
export function hashChainOf(session: MerchantSession): HashChainTerms | undefined {
  const payload = session.informationJws.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      body?: { hashChain?: { rootHex: string; unitPriceMinor: string; lengthMax: number } };
    };
    const chain = claims.body?.hashChain;
    return chain
      ? { rootHex: chain.rootHex, unitPriceMinor: BigInt(chain.unitPriceMinor), lengthMax: chain.lengthMax }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Loads each key once even when many requests ask at the same time; keeps at most `entriesMax`. */
export function createLoader<V>(
  load: (key: string) => Promise<V | undefined>,
  entriesMax: number,
  evictable: (value: V) => boolean,
): {
  peek(key: string): V | undefined;
  get(key: string): Promise<V | undefined>;
  drop(key: string): void;
} {
  const values = new Map<string, V>();
  const loading = new Map<string, Promise<V | undefined>>();
  const put = (key: string, value: V) => {
    if (values.size >= entriesMax) {
      for (const [k, v] of values) {
        if (evictable(v)) {
          values.delete(k);
          break;
        }
      }
    }
    values.set(key, value);
  };
  return {
    peek: (key) => values.get(key),
    get(key) {
      const hit = values.get(key);
      if (hit !== undefined) return Promise.resolve(hit);
      let pending = loading.get(key);
      if (!pending) {
        pending = load(key)
          .then((value) => {
            if (value !== undefined) put(key, value);
            return value;
          })
          .finally(() => loading.delete(key));
        loading.set(key, pending);
      }
      return pending;
    },
    drop: (key) => {
      values.delete(key);
    },
  };
}
