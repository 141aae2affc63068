import type { BillingWebhookTarget } from '../billing/webhook/outbox.ts';
import { ConfigError } from './errors.ts';
import type { Environment } from './load.ts';

const AUDIENCE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * `TALLY_BILLING_WEBHOOK_URL=https://billing.example/hooks/tally` (and
 * `TALLY_BILLING_WEBHOOK_AUDIENCE`, default `billing`): where every billing
 * record is also pushed, signed by the operator key. Unset: no webhook.
 */
export function readBillingWebhook(env: Environment): BillingWebhookTarget | undefined {
  const url = env.TALLY_BILLING_WEBHOOK_URL;
  if (url === undefined || url.trim() === '') return undefined;
  const protocol = URL.canParse(url) ? new URL(url).protocol : '';
  if (protocol !== 'https:' && protocol !== 'http:')
    throw new ConfigError('TALLY_BILLING_WEBHOOK_URL', 'must be an http(s):// address');
  const audience = env.TALLY_BILLING_WEBHOOK_AUDIENCE?.trim() || 'billing';
  if (!AUDIENCE_PATTERN.test(audience))
    throw new ConfigError('TALLY_BILLING_WEBHOOK_AUDIENCE', 'must be 1-64 of a-z 0-9 . _ -');
  return { url, audience };
}
