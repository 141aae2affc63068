import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import {
  INDICIUM_ERROR_MESSAGES,
  type IndiciumError,
  importExchangePrivateKey,
  isTrustList,
  type TrustList,
  trustResolver,
  type VerifiedIndicium,
  verifyIndicium,
} from '@tallystick/protocol';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from '../io.ts';
import { readDataMatrix } from './datamatrix.ts';

// jsqr is CommonJS whose module.exports is the function itself; TypeScript sees a namespace.
const jsQR = jsQRModule as unknown as (typeof jsQRModule)['default'];

/** Where the trust list is looked for when --trust is not given. */
export const TRUST_LIST_DEFAULT = 'tally-trust.json';

/**
 * `tally verify <indicium | image.png | receipt.pdf>` (QR or Data Matrix PNG): checks an indicium
 * offline against a trust list of published keys, prints its particulars,
 * exits 1 on anything altered or untrusted.
 */
export async function verify(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { trust: { type: 'string' }, 'verifier-key': { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
    allowPositionals: true,
  });
  const input = positionals[0];
  if (input === undefined || positionals.length > 1) {
    throw new UsageError('verify takes one indicium string, PNG image or PDF receipt');
  }
  const trustPath = values.trust ?? io.env.TALLY_TRUST_LIST ?? TRUST_LIST_DEFAULT;
  const trust = readTrustList(trustPath);
  if (typeof trust === 'string') {
    io.err(`tally: ${trust}`);
    return EXIT_FAILURE;
  }
  const verifierKey = values['verifier-key']
    ? await importExchangePrivateKey(JSON.parse(readFileSync(values['verifier-key'], 'utf8')) as JsonWebKey)
    : undefined;
  const result = await verifyInput(input, trust, verifierKey);
  if (values.json)
    io.out(
      JSON.stringify(
        typeof result === 'string' ? { valid: false, error: result } : { valid: true, ...result },
        null,
        2,
      ),
    );
  if (typeof result === 'string') {
    if (!values.json)
      io.err(`tally: INVALID (${result}): ${INDICIUM_ERROR_MESSAGES[result as IndiciumError] ?? result}`);
    return EXIT_FAILURE;
  }
  if (!values.json) {
    io.out(`VALID: signed by ${result.issuer} (key ${result.kid})`);
    io.out(result.text);
    if (result.privateFields) io.out(`Private fields: ${JSON.stringify(result.privateFields)}`);
    else if (result.hasPrivateFields)
      io.out('Private fields: sealed to a verifier (pass --verifier-key to open)');
  }
  return EXIT_OK;
}

export type InputError = IndiciumError | 'input_unreadable' | 'qr_not_found' | 'pdf_indicium_missing';

/** A file (PNG, PDF, or text holding the string) or the indicium string itself. */
export async function verifyInput(
  input: string,
  trust: TrustList,
  verifierKey?: CryptoKey,
): Promise<VerifiedIndicium | InputError> {
  const read = readIndicium(input);
  if (typeof read === 'string') return read;
  return verifyIndicium(read.indicium, {
    resolveKey: trustResolver(trust),
    ...(read.text !== undefined ? { text: read.text } : {}),
    ...(verifierKey ? { verifierKey } : {}),
  });
}

function readIndicium(input: string): { indicium: string; text?: string } | InputError {
  if (input.startsWith('TS1:') || !existsSync(input)) return { indicium: input.trim() };
  let bytes: Buffer;
  try {
    bytes = readFileSync(input);
  } catch {
    return 'input_unreadable';
  }
  const ext = extname(input).toLowerCase();
  if (ext === '.png') return readQrFromPng(bytes);
  if (ext === '.pdf') return readIndiciumFromPdf(bytes);
  return { indicium: bytes.toString('utf8').trim() };
}

/** A QR code, else a Data Matrix (the two codes the operator prints). */
export function readQrFromPng(bytes: Buffer): { indicium: string } | InputError {
  try {
    const png = PNG.sync.read(bytes);
    const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    if (code) return { indicium: code.data };
    const matrix = readDataMatrix(png);
    return matrix === undefined ? 'qr_not_found' : { indicium: matrix };
  } catch {
    return 'input_unreadable';
  }
}

/**
 * The receipt PDF carries the indicium in its Info dictionary (Keywords) and
 * the printed human-readable text (Subject), so a small parser finds both
 * without a PDF renderer; the text is then checked against the signed hash.
 */
export function readIndiciumFromPdf(bytes: Buffer): { indicium: string; text?: string } | InputError {
  const pdf = bytes.toString('latin1');
  const indicium = pdfInfoString(pdf, 'Keywords');
  if (indicium === undefined) return 'pdf_indicium_missing';
  const text = pdfInfoString(pdf, 'Subject');
  return { indicium, ...(text !== undefined ? { text } : {}) };
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/**
 * Reads an Info entry, `/Name (literal)` or `/Name n 0 R` pointing at
 * `n 0 obj (literal)` (pdfkit's form); the last one wins (incremental updates).
 */
function pdfInfoString(pdf: string, name: string): string | undefined {
  const direct = pdf.lastIndexOf(`/${name} (`);
  const ref = [...pdf.matchAll(new RegExp(`/${name} (\\d+) 0 R`, 'g'))].at(-1);
  if (ref && ref.index > direct) {
    const obj = new RegExp(`(?:^|[\\r\\n])${ref[1]} 0 obj\\s*\\(`).exec(pdf);
    return obj ? pdfLiteral(pdf, obj.index + obj[0].length) : undefined;
  }
  return direct < 0 ? undefined : pdfLiteral(pdf, direct + name.length + 3);
}

/** A PDF literal string from just after its opening parenthesis. */
function pdfLiteral(pdf: string, start: number): string {
  let i = start;
  let depth = 1;
  let out = '';
  while (i < pdf.length) {
    const c = pdf[i++] as string;
    if (c === '\\') {
      const n = pdf[i++] as string;
      if (/[0-7]/.test(n)) {
        let octal = n;
        while (octal.length < 3 && /[0-7]/.test(pdf[i] ?? '')) octal += pdf[i++];
        out += String.fromCharCode(Number.parseInt(octal, 8));
      } else if (n === '\r' || n === '\n') {
        if (n === '\r' && pdf[i] === '\n') i++;
      } else out += ESCAPES[n] ?? n;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) break;
    out += c;
  }
  const raw = Buffer.from(out, 'latin1');
  if (raw[0] === 0xfe && raw[1] === 0xff) return raw.subarray(2).swap16().toString('utf16le');
  return raw.toString('latin1');
}

function readTrustList(path: string): TrustList | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return `cannot read the trust list ${path} (pass --trust <file>, from GET /v1/trust-list)`;
  }
  return isTrustList(parsed) ? parsed : `${path} is not a Tallystick trust list`;
}
