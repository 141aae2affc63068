import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Paywall, PaywallGate } from '../paywall.ts';

type PaidGate = Extract<PaywallGate, { kind: 'paid' }>;
const GATE = 'tallyPaywallGate';
type WithGate = FastifyRequest & { [GATE]: PaidGate | null };

/**
 * The paywall as a Fastify plugin (applies to every route of the instance it
 * is registered on): `onRequest` answers 402s and reserves payments,
 * `onSend` settles after a handler answered below 400 and adds
 * `PAYMENT-RESPONSE`; an error or an aborted request charges nothing.
 *
 * @example
 * const app = Fastify();
 * await app.register(fastifyPaywall(paywall));
 * app.get('/weather', async () => ({ temperature: 21 }));
 */
export function fastifyPaywall(paywall: Paywall) {
  const plugin = (app: FastifyInstance, _options: unknown, done: (error?: Error) => void) => {
    app.decorateRequest(GATE, null);
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const url = request.url;
      const query = url.indexOf('?');
      const gate = await paywall.authorize({
        method: request.method,
        path: query < 0 ? url : url.slice(0, query),
        get url() {
          return `${request.protocol}://${request.host}${url}`;
        },
        params: {},
        header: (name) => {
          const value = request.headers[name];
          return Array.isArray(value) ? value[0] : value;
        },
      });
      if (gate.kind === 'paid') (request as WithGate)[GATE] = gate;
      else if (gate.kind === 'refused')
        return reply.code(402).headers(gate.response.headers).send(gate.response.body);
      return undefined;
    });
    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const gate = (request as WithGate)[GATE];
      if (!gate) return payload;
      (request as WithGate)[GATE] = null;
      if (reply.statusCode >= 400) {
        gate.cancel();
        return payload;
      }
      const settled = await gate.settle();
      if (settled.ok) {
        reply.headers(settled.headers);
        return payload;
      }
      reply.code(402).headers(settled.response.headers);
      return settled.response.body;
    });
    const cancel = async (request: FastifyRequest) => {
      (request as WithGate)[GATE]?.cancel();
      (request as WithGate)[GATE] = null;
    };
    app.addHook('onError', cancel);
    app.addHook('onRequestAbort', cancel);
    done();
  };
  // Like fastify-plugin: the hooks apply to the instance registering the plugin, not to a child scope.
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
