import type { PaywallResponse } from './offers.ts';
import type { Paywall } from './paywall.ts';

/**
 * The paywall around a Web-standard handler (`Request` → `Response`: Hono,
 * Bun, Deno, Next.js route handlers, or `node:http` through
 * `toNodeListener`). The handler runs only for a paid or free request; a
 * response of 400 or more (or a throw) charges nothing.
 *
 * @example
 * const handler = paywallFetch(paywall, async (request) => Response.json({ temperature: 21 }));
 * createServer(toNodeListener(handler)).listen(8080);
 */
export function paywallFetch(
  paywall: Paywall,
  handler: (request: Request) => Response | Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const gate = await paywall.authorize({
      method: request.method,
      path: new URL(request.url).pathname,
      url: request.url,
      params: {},
      header: (name) => request.headers.get(name) ?? undefined,
    });
    if (gate.kind === 'free') return handler(request);
    if (gate.kind === 'refused') return toResponse(gate.response);
    let response: Response;
    try {
      response = await handler(request);
    } catch (error) {
      gate.cancel();
      throw error;
    }
    if (response.status >= 400) {
      gate.cancel();
      return response;
    }
    const settled = await gate.settle();
    if (!settled.ok) {
      await response.body?.cancel();
      return toResponse(settled.response);
    }
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(settled.headers)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

export function toResponse(response: PaywallResponse): Response {
  return new Response(response.body, { status: response.status, headers: response.headers });
}
