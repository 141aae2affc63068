import type { MiddlewareHandler } from 'hono';
import type { Paywall } from '../paywall.ts';

/**
 * The paywall as Hono middleware: 402s before the handler, settlement after
 * a response below 400 (adds `PAYMENT-RESPONSE`), nothing charged otherwise.
 *
 * @example
 * const app = new Hono();
 * app.use(honoPaywall(paywall));
 * app.get('/weather', (c) => c.json({ temperature: 21 }));
 */
export function honoPaywall(paywall: Paywall): MiddlewareHandler {
  return async (c, next) => {
    const gate = await paywall.authorize({
      method: c.req.method,
      path: c.req.path,
      url: c.req.url,
      params: {},
      header: (name) => c.req.header(name),
    });
    if (gate.kind === 'free') return next();
    if (gate.kind === 'refused') {
      return new Response(gate.response.body, { status: 402, headers: gate.response.headers });
    }
    try {
      await next();
    } catch (error) {
      gate.cancel();
      throw error;
    }
    if (c.error || c.res.status >= 400) {
      gate.cancel();
      return undefined;
    }
    const settled = await gate.settle();
    if (settled.ok) {
      for (const [name, value] of Object.entries(settled.headers)) c.header(name, value);
      return undefined;
    }
    c.res = new Response(settled.response.body, { status: 402, headers: settled.response.headers });
    return undefined;
  };
}
