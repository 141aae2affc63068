import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanPayword } from './payword-scan.ts';

const scan = (json: string) => scanPayword(`ab${json}}`, 2, json.length + 2);
const canonical = (p: { transactionId: string; index: number; units: number; preimage: string }) =>
  `{"transactionId":"${p.transactionId}","index":${p.index},"units":${p.units},"preimage":"${p.preimage}"}`;
const HEX = 'ab'.repeat(32);

describe('the hash-chain payload scanner', () => {
  it('reads the wallet-ordered payload as JSON.parse does', () => {
    const text = canonical({ transactionId: 'op-a.2.17', index: 1234, units: 1, preimage: HEX });
    const scanned = scan(text);
    expect(scanned).toEqual(JSON.parse(text));
    expect(Object.keys(scanned ?? {})).toEqual(['transactionId', 'index', 'units', 'preimage']);
  });

  const declined: [string, string][] = [
    ['another key order', `{"index":1,"transactionId":"t","units":1,"preimage":"${HEX}"}`],
    ['whitespace', `{"transactionId":"t", "index":1,"units":1,"preimage":"${HEX}"}`],
    ['an escape in the id', `{"transactionId":"t\\"x","index":1,"units":1,"preimage":"${HEX}"}`],
    ['an empty id', `{"transactionId":"","index":1,"units":1,"preimage":"${HEX}"}`],
    ['a fraction', `{"transactionId":"t","index":1.0,"units":1,"preimage":"${HEX}"}`],
    ['an exponent', `{"transactionId":"t","index":1,"units":1e0,"preimage":"${HEX}"}`],
    ['a leading zero', `{"transactionId":"t","index":01,"units":1,"preimage":"${HEX}"}`],
    ['a negative number', `{"transactionId":"t","index":-1,"units":1,"preimage":"${HEX}"}`],
    ['16 digits', `{"transactionId":"t","index":1234567890123456,"units":1,"preimage":"${HEX}"}`],
    ['upper-case hex', `{"transactionId":"t","index":1,"units":1,"preimage":"${HEX.toUpperCase()}"}`],
    ['a short preimage', `{"transactionId":"t","index":1,"units":1,"preimage":"${HEX.slice(2)}"}`],
    ['a key after the preimage', `{"transactionId":"t","index":1,"units":1,"preimage":"${HEX}","x":1}`],
    ['a truncated payload', `{"transactionId":"t","index":1,"units":1,"preimage":"${HEX}"`],
    ['not an object', '"x"'],
  ];
  it.each(declined)('leaves the text to JSON.parse: %s', (_name, text) => {
    expect(scan(text)).toBeUndefined();
  });

  it('never answers other than JSON.parse (random near-canonical texts)', () => {
    const piece = fc.constantFrom('"', '\\', ' ', '0', '9', 'a', 'F', '.', 'e', '-', ',', '}', 'é');
    fc.assert(
      fc.property(
        fc.record({
          transactionId: fc.string({ maxLength: 70 }),
          index: fc.nat(),
          units: fc.nat(),
          preimage: fc.stringMatching(/^[0-9a-f]{64}$/),
        }),
        fc.nat({ max: 200 }),
        piece,
        (payload, at, char) => {
          const good = canonical(payload);
          // A plain id (printable ASCII, no quote or backslash) is always read, not left to JSON.parse.
          if (/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/.test(payload.transactionId) && payload.index < 1e15) {
            expect(scan(good)).toBeDefined();
          }
          for (const text of [good, good.slice(0, at) + char + good.slice(at)]) {
            const scanned = scan(text);
            if (scanned === undefined) continue;
            expect(scanned).toEqual(JSON.parse(text));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
