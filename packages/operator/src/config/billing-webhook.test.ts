import { describe, expect, it } from 'vitest';
import { readBillingWebhook } from './billing-webhook.ts';

describe('TALLY_BILLING_WEBHOOK_URL', () => {
  it('reads the target with its audience, and nothing when unset', () => {
    expect(readBillingWebhook({})).toBeUndefined();
    expect(readBillingWebhook({ TALLY_BILLING_WEBHOOK_URL: 'https://b.example/h' })).toEqual({
      url: 'https://b.example/h',
      audience: 'billing',
    });
    expect(
      readBillingWebhook({
        TALLY_BILLING_WEBHOOK_URL: 'https://b.example/h',
        TALLY_BILLING_WEBHOOK_AUDIENCE: 'erp-1',
      }),
    ).toMatchObject({ audience: 'erp-1' });
  });

  it('names the bad setting', () => {
    expect(() => readBillingWebhook({ TALLY_BILLING_WEBHOOK_URL: 'ftp://x' })).toThrow(
      /TALLY_BILLING_WEBHOOK_URL/,
    );
    expect(() =>
      readBillingWebhook({ TALLY_BILLING_WEBHOOK_URL: 'https://x', TALLY_BILLING_WEBHOOK_AUDIENCE: 'A B' }),
    ).toThrow(/TALLY_BILLING_WEBHOOK_AUDIENCE/);
  });
});
