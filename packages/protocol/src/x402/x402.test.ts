import { describe, expect, it } from 'vitest';
import { decodePaymentHeader, encodePaymentHeader } from './codec.ts';
import { operatorOfNetwork, tallyNetwork } from './network.ts';
import { receiptOfSettleResponse, receiptToSettleResponse } from './receipt.ts';
import { readTallyOffer, type TallyOffer, tallyRequirements } from './requirements.ts';

const offer: TallyOffer = {
  scheme: 'tally-payword',
  operatorId: 'op-b',
  merchantId: 'shop-1',
  currency: 'SEK',
  amountMinor: 50n,
  offerId: 'x402',
  sku: 'GET /weather',
  description: 'Weather ☀',
  unitPriceMinor: 10n,
  units: 5,
  maxTimeoutSeconds: 300,
};

describe('x402 v2 wire format', () => {
  it('networks are tally:<operatorId>', () => {
    expect(tallyNetwork('op-b')).toBe('tally:op-b');
    expect(operatorOfNetwork('tally:op-b')).toBe('op-b');
    expect(operatorOfNetwork('eip155:8453')).toBeUndefined();
    expect(operatorOfNetwork('tally:Not_An_Op')).toBeUndefined();
  });

  it('an offer survives the accepts[] entry and the header codec (UTF-8, base64)', () => {
    const requirements = tallyRequirements(offer);
    expect(requirements).toMatchObject({
      network: 'tally:op-b',
      asset: 'SEK',
      amount: '50',
      payTo: 'shop-1',
    });
    const decoded = decodePaymentHeader(encodePaymentHeader({ x402Version: 2, accepts: [requirements] }));
    expect(typeof decoded).toBe('object');
    expect(readTallyOffer((decoded as { accepts: unknown[] }).accepts[0])).toEqual(offer);
  });

  it('refuses entries that are not consistent Tallystick offers', () => {
    const r = tallyRequirements(offer);
    expect(readTallyOffer({ ...r, scheme: 'exact' })).toBe('payment_scheme_unsupported');
    expect(readTallyOffer({ ...r, network: 'eip155:1' })).toBe('payment_scheme_unsupported');
    expect(readTallyOffer({ ...r, asset: 'XXX' })).toBe('payment_payload_invalid');
    expect(readTallyOffer({ ...r, amount: '51' })).toBe('payment_payload_invalid'); // not units × unit price
    expect(readTallyOffer({ ...r, amount: '-1' })).toBe('payment_payload_invalid');
  });

  it('refuses headers that are too large or not base64 JSON objects', () => {
    expect(decodePaymentHeader('A'.repeat(8_193))).toBe('payment_header_too_large');
    expect(decodePaymentHeader('not base64!')).toBe('payment_header_malformed');
    expect(decodePaymentHeader(btoa('[1]'))).toBe('payment_header_malformed');
    expect(decodePaymentHeader(undefined)).toBe('payment_header_malformed');
  });

  it('receipts round-trip through SettleResponse', () => {
    const receipt = {
      operatorId: 'op-b',
      transactionId: 'op-a.1.2',
      seq: 7,
      amountMinor: 50n,
      cumulativeMinor: 350n,
    };
    expect(receiptOfSettleResponse(receiptToSettleResponse(receipt))).toEqual(receipt);
    expect(
      receiptOfSettleResponse({ success: false, transaction: '', network: 'tally:op-b' }),
    ).toBeUndefined();
  });
});
