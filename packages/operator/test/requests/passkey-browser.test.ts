import { existsSync } from 'node:fs';
import { signMessage } from '@tallystick/protocol';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PURCHASE_REQUEST_MESSAGE_TYPE } from '../../src/requests/model.ts';
import { createTestClock } from '../support/test-clock.ts';
import { type PartyHandle, startTradingNodes, type TradingNode } from '../support/trading-node.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
// In CI a missing browser is a failure, not a skip (.ci/run installs it first).
if (!haveBrowser && process.env.CI !== 'true')
  console.warn(`passkey browser test skipped: no ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!haveBrowser && process.env.CI !== 'true')(
  'passkey affirmation in a real headless Chromium',
  () => {
    const clock = createTestClock();
    let node: TradingNode;
    let browser: Browser;
    let customer: PartyHandle;
    let merchant: PartyHandle;
    let pageUrl: string;

    beforeAll(async () => {
      [node] = (await startTradingNodes([{ id: 'op-pk', currency: 'EUR' }], clock)) as [TradingNode];
      customer = await node.customer(100_000n);
      merchant = await node.merchant('https://shop.example/hooks');
      // WebAuthn wants a domain as relying party id: localhost is one (and a secure context), 127.0.0.1 is not.
      pageUrl = `${node.url.replace('127.0.0.1', 'localhost')}/wallet/passkeys#key=${customer.apiKey}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await node?.close();
    });

    const requestFor = async (requestId: string) => {
      const alias = await node.request('POST', '/v1/customer-aliases', { apiKey: customer.apiKey });
      const jws = await signMessage(merchant.key, {
        mty: PURCHASE_REQUEST_MESSAGE_TYPE,
        iss: merchant.id,
        aud: 'op-pk',
        nowMs: clock.now().getTime(),
        body: {
          requestId,
          customerRef: alias.body.alias,
          amountMinor: '1500',
          currency: 'EUR',
          description: `Order ${requestId}`,
          items: [{ kind: 'goods', description: 'Book', quantity: 1, unitPriceMinor: '1500' }],
          expiresAt: new Date(clock.now().getTime() + 600_000).toISOString(),
        },
      });
      const res = await node.request('POST', '/v1/purchase-requests', {
        apiKey: merchant.apiKey,
        body: { jws },
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };

    it('registers a passkey, affirms with it, and a replayed assertion moves nothing', async () => {
      const id = await requestFor('pk-order-1');
      const page = await browser.newPage();
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
        },
      });
      // Keep what the page sends, to replay it afterwards.
      let assertion: unknown;
      page.on('request', (r) => {
        if (r.url().endsWith('/passkey-answer')) assertion = r.postDataJSON();
      });
      await page.goto(pageUrl);
      await page.click('#register');
      await expect
        .poll(() => page.textContent('#register-status'), { timeout: 15_000 })
        .toMatch(/^registered /);
      await page.click(`#request-${id} button[data-decision="affirm"]`);
      await expect.poll(() => page.textContent(`#status-${id}`), { timeout: 15_000 }).toBe('affirmed');

      const view = await node.request('GET', `/v1/purchase-requests/${id}`, { apiKey: customer.apiKey });
      expect(view.body).toMatchObject({ status: 'affirmed', transferId: `rtp:${id}` });
      const row = await node.db.kysely
        .selectFrom('purchase_requests')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.answer_method).toBe('webauthn');
      const transfers = await node.count('ledger_transfers');

      // The same assertion again: its challenge is used up and the request answered.
      expect(assertion).toBeDefined();
      const replay = await node.request('POST', `/v1/purchase-requests/${id}/passkey-answer`, {
        apiKey: customer.apiKey,
        body: assertion,
      });
      expect(replay.status).toBe(409);
      expect(replay.body.error.code).toBe('passkey_challenge_invalid');
      // Bound to its request: the assertion for one request cannot answer another.
      const other = await requestFor('pk-order-2');
      const crossed = await node.request('POST', `/v1/purchase-requests/${other}/passkey-answer`, {
        apiKey: customer.apiKey,
        body: assertion,
      });
      expect([crossed.status, crossed.body.error.code]).toEqual([409, 'passkey_challenge_invalid']);
      // A tampered signature does not verify.
      const optionsRes = await page.evaluate(
        async ([otherId, key]) => {
          const res = await fetch(`/v1/purchase-requests/${otherId}/passkey-options`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ decision: 'affirm' }),
          });
          const options = await res.json();
          const cred = (await navigator.credentials.get({
            publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
          })) as PublicKeyCredential;
          return cred.toJSON();
        },
        [other, customer.apiKey] as const,
      );
      const sig = Buffer.from((optionsRes.response as { signature: string }).signature, 'base64url');
      sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 1;
      const tampered = await node.request('POST', `/v1/purchase-requests/${other}/passkey-answer`, {
        apiKey: customer.apiKey,
        body: {
          response: {
            ...optionsRes,
            response: { ...optionsRes.response, signature: sig.toString('base64url') },
          },
        },
      });
      expect([tampered.status, tampered.body.error.code]).toEqual([401, 'passkey_verification_failed']);
      expect(await node.count('ledger_transfers')).toBe(transfers);

      // An expired request is refused through the page too.
      clock.advance(601_000);
      await page.reload();
      await expect.poll(() => page.locator(`#request-${other}`).count()).toBe(0);
    }, 90_000);
  },
);
