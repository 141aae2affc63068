import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { listen } from '../../test/support/http-server.ts';
import { merchantFixture } from '../../test/support/merchant-fixture.ts';
import { createMemoryMerchantStore, INFORMATION_BODY_BYTES_MAX, toNodeListener } from '../index.ts';

describe('informationHandler', () => {
  it('answers POST { information } with { merchantAck }, and errors in the network envelope', async () => {
    const fx = await merchantFixture(createMemoryMerchantStore());
    const handler = fx.merchant.informationHandler();
    const info = await fx.information();
    const post = (body: string) => handler(new Request('http://shop/tally', { method: 'POST', body }));
    const ok = await post(JSON.stringify({ information: info.jws }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      merchantAck: (await fx.merchant.getSession(info.transactionId))?.merchantAckJws,
    });

    const bad = await post('{');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: 'request_malformed' },
      requestId: expect.any(String),
    });
    expect((await handler(new Request('http://shop/tally'))).status).toBe(405);
    expect((await post(JSON.stringify({ information: 'a.b.c' }))).status).toBe(401);
  });

  it('serves on node:http through toNodeListener, with a body limit', async () => {
    const fx = await merchantFixture(createMemoryMerchantStore());
    const server = await listen(createServer(toNodeListener(fx.merchant.informationHandler())));
    try {
      const info = await fx.information();
      const ok = await fetch(`${server.url}/tally`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ information: info.jws }),
      });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { merchantAck: string }).merchantAck.split('.')).toHaveLength(3);
      const huge = await fetch(`${server.url}/tally`, {
        method: 'POST',
        body: 'x'.repeat(INFORMATION_BODY_BYTES_MAX + 1),
      });
      expect(huge.status).toBe(413);
    } finally {
      await server.close();
    }
  });
});
