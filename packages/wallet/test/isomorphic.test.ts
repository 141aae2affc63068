import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');
/** Node-only APIs the wallet must not touch: it runs in browsers too (WebCrypto and fetch only). */
const FORBIDDEN = [
  /from ['"]node:/,
  /require\(/,
  /\bBuffer\b/,
  /\bprocess\./,
  /from ['"](fs|path|crypto|http|https|net|os|url|util|stream)['"]/,
];

describe('the wallet is isomorphic', () => {
  it('has no Node built-ins in its source (tests excluded)', () => {
    const files = (readdirSync(SRC, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.flatMap((file) => {
      const text = readFileSync(join(SRC, file), 'utf8');
      return FORBIDDEN.filter((pattern) => pattern.test(text)).map((pattern) => `${file}: ${pattern}`);
    });
    expect(offenders).toEqual([]);
  });
});
