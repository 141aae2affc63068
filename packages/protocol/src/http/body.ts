/**
 * A `Response` whose body is already in memory puts the bytes under this
 * symbol (`createNodeFetch` does: it reads the whole body, within its own
 * bound, before answering). Readers then skip the stream machinery, which
 * costs more than the JSON call itself on a busy node.
 */
export const BUFFERED_BODY: unique symbol = Symbol.for('tallystick.buffered-body');

interface Buffered {
  readonly [BUFFERED_BODY]?: Uint8Array;
}

/**
 * Reads a response body, at most `bytesMax` bytes: a peer cannot make the
 * reader buffer without bound. `'too_large'` when the body is larger (the
 * stream is cancelled). Isomorphic: the fast path is a property, not a class.
 */
export async function readBytesLimited(
  response: Response,
  bytesMax: number,
): Promise<Uint8Array | 'too_large'> {
  const buffered = (response as Buffered)[BUFFERED_BODY];
  if (buffered !== undefined) return buffered.byteLength > bytesMax ? 'too_large' : buffered;
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > bytesMax) {
      await reader.cancel().catch(() => undefined);
      return 'too_large';
    }
    chunks.push(value);
  }
  const all = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

const utf8 = new TextDecoder();

/** `readBytesLimited` as UTF-8 text. */
export async function readTextLimited(response: Response, bytesMax: number): Promise<string | 'too_large'> {
  const bytes = await readBytesLimited(response, bytesMax);
  return bytes === 'too_large' ? bytes : utf8.decode(bytes);
}
