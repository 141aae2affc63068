import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatSessionId,
  formatTransactionId,
  isMerchantId,
  isOperatorId,
  isSessionId,
  isTransactionId,
  parseSessionId,
  parseTransactionId,
  SEQUENCE_MAX,
} from './identity.ts';
import { generatePseudonym, isPseudonym } from './pseudonym.ts';

describe('session and transaction identities', () => {
  it('formats and parses the seed’s AccountManagerIdentity.SequenceNumber1.SequenceNumber2', () => {
    const sessionId = formatSessionId('op-a', 17);
    const transactionId = formatTransactionId(sessionId, 3);
    expect([sessionId, transactionId]).toEqual(['op-a.17', 'op-a.17.3']);
    expect(parseSessionId(sessionId)).toEqual({ operatorId: 'op-a', sessionSeq: 17 });
    expect(parseTransactionId(transactionId)).toEqual({
      operatorId: 'op-a',
      sessionSeq: 17,
      transactionSeq: 3,
      sessionId: 'op-a.17',
    });
  });

  it('round-trips any valid parts (property)', () => {
    const operator = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,31}$/);
    const seq = fc.integer({ min: 1, max: SEQUENCE_MAX });
    fc.assert(
      fc.property(operator, seq, seq, (operatorId, sessionSeq, transactionSeq) => {
        const id = formatTransactionId(formatSessionId(operatorId, sessionSeq), transactionSeq);
        expect(parseTransactionId(id)).toEqual({
          operatorId,
          sessionSeq,
          transactionSeq,
          sessionId: `${operatorId}.${sessionSeq}`,
        });
      }),
    );
  });

  it.each([
    'op-a.17',
    'op-a.17.3.1',
    'op-a.017.3',
    'op-a.17.0',
    'op-a.-1.3',
    'Op-a.17.3',
    '-op.17.3',
    'a.17.3',
    `op-${'a'.repeat(30)}.1.1`,
    'op_a.17.3',
    'op-a.17.3 ',
    'op-a.1e3.3',
  ])('refuses transaction id %j', (id) => {
    expect(parseTransactionId(id)).toBe('id_malformed');
    expect(isTransactionId(id)).toBe(false);
  });

  it('refuses sequences above 2^53 - 1 and non-strings', () => {
    expect(parseTransactionId(`op-a.${SEQUENCE_MAX}.${SEQUENCE_MAX}`)).toMatchObject({
      sessionSeq: SEQUENCE_MAX,
    });
    expect(parseTransactionId('op-a.9007199254740992.1')).toBe('id_sequence_too_large');
    expect(parseSessionId('op-a.9999999999999999')).toBe('id_sequence_too_large');
    expect(parseSessionId(17)).toBe('id_malformed');
    expect(isSessionId('op-a.17')).toBe(true);
  });

  it('throws when asked to format invalid parts (a bug in the caller)', () => {
    expect(() => formatSessionId('OP', 1)).toThrow();
    expect(() => formatSessionId('op-a', 0)).toThrow();
    expect(() => formatSessionId('op-a', 1.5)).toThrow();
    expect(() => formatTransactionId('op-a', 1)).toThrow();
    expect(() => formatTransactionId('op-a.1', 2 ** 53)).toThrow();
  });

  it('checks operator and merchant ids', () => {
    expect(isOperatorId('op-a')).toBe(true);
    expect(isOperatorId('o')).toBe(false);
    expect(isMerchantId('shop-1.eu_2')).toBe(true);
    expect(isMerchantId('Shop')).toBe(false);
  });
});

describe('pseudonyms', () => {
  it('are psn_ + 22 base64url characters, fresh each time', () => {
    const seen = new Set(Array.from({ length: 1000 }, generatePseudonym));
    expect(seen.size).toBe(1000);
    for (const p of seen) expect(isPseudonym(p)).toBe(true);
    expect(isPseudonym('psn_short')).toBe(false);
    expect(isPseudonym(`psn_${'A'.repeat(21)}+`)).toBe(false);
  });
});
