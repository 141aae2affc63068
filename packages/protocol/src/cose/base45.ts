/** Base45 (RFC 9285): the QR alphanumeric alphabet, so a QR code holds it in its densest text mode. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUE: ReadonlyMap<string, number> = new Map([...ALPHABET].map((c, i) => [c, i]));

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = (bytes[i] as number) * 256 + (bytes[i + 1] as number);
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += ALPHABET[c] + (ALPHABET[d] as string) + (ALPHABET[e] as string);
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1] as number;
    out += (ALPHABET[n % 45] as string) + (ALPHABET[Math.floor(n / 45)] as string);
  }
  return out;
}

/** Strict: a character outside the alphabet, a dangling character, or a group out of range is refused. */
export function base45Decode(text: string): Uint8Array | undefined {
  if (text.length % 3 === 1) return undefined;
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    const c = VALUE.get(text[i] as string);
    const d = VALUE.get(text[i + 1] as string);
    if (c === undefined || d === undefined) return undefined;
    if (i + 2 < text.length) {
      const e = VALUE.get(text[i + 2] as string);
      if (e === undefined) return undefined;
      const n = c + d * 45 + e * 45 * 45;
      if (n > 0xffff) return undefined;
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = c + d * 45;
      if (n > 0xff) return undefined;
      out[o++] = n;
    }
  }
  return out;
}
