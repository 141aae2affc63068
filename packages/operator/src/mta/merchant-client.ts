import { readTextLimited, withTimeout } from '@tallystick/protocol';
import { MERCHANT_CALL_TIMEOUT_MS, MERCHANT_RESPONSE_BYTES_MAX } from './model.ts';

export type MerchantCallError = 'merchant_unreachable' | 'merchant_refused' | 'merchant_ack_invalid';

/**
 * Step 3 -> 4: POSTs `{ information }` to the merchant's registered endpoint
 * and reads `{ merchantAck }`. One attempt with a timeout, no retries: the
 * customer's AM is waiting with a hold in place. A 4xx is the merchant
 * declining; anything else that is not a 200 with an ack is a failed peer.
 */
export async function callMerchant(
  endpointUrl: string,
  information: string,
  options: { readonly fetch?: typeof fetch; readonly timeoutMs?: number } = {},
): Promise<{ readonly merchantAck: string } | MerchantCallError> {
  const doFetch = options.fetch ?? fetch;
  try {
    return await withTimeout(options.timeoutMs ?? MERCHANT_CALL_TIMEOUT_MS, async (signal) => {
      const response = await doFetch(endpointUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ information }),
        redirect: 'error',
        signal,
      });
      return ackOf(response);
    });
  } catch {
    return 'merchant_unreachable';
  }
}

async function ackOf(response: Response): Promise<{ readonly merchantAck: string } | MerchantCallError> {
  if (response.status >= 400 && response.status < 500) {
    await response.body?.cancel();
    return 'merchant_refused';
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return 'merchant_unreachable';
  }
  const text = await readLimited(response);
  if (text === undefined) return 'merchant_ack_invalid';
  try {
    const parsed: unknown = JSON.parse(text);
    const ack = (parsed as { merchantAck?: unknown } | null)?.merchantAck;
    return typeof ack === 'string' ? { merchantAck: ack } : 'merchant_ack_invalid';
  } catch {
    return 'merchant_ack_invalid';
  }
}

/** The body as text, or undefined when it is larger than any acknowledgement can be (or breaks off). */
async function readLimited(response: Response): Promise<string | undefined> {
  try {
    const text = await readTextLimited(response, MERCHANT_RESPONSE_BYTES_MAX);
    return text === 'too_large' ? undefined : text;
  } catch {
    return undefined;
  }
}
