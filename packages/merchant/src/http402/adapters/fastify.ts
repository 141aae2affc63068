import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { PaywallRequest } from '../config.ts';
import type { Paywall, PaywallGate, PaywallSettlement } from '../paywall.ts';

type PaidGate = Extract<PaywallGate, { kind: 'paid' }>;
const GATE = 'tallyPaywallGate';
type WithGate = FastifyRequest & { [GATE]: PaidGate | null };
type SendDone = (error: Error | null, payload?: unknown) => void;

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * What the paywall reads of a Fastify request, natively (no Web `Request`):
 * a class, so a request costs one small object and no closures; the
 * absolute URL is built only for a 402.
 */
class FastifyPaywallRequest implements PaywallRequest {
  readonly method: string;
  readonly path: string;
  readonly params = NO_PARAMS;
  constructor(private readonly request: FastifyRequest) {
    this.method = request.method;
    const url = request.url;
    const query = url.indexOf('?');
    this.path = query < 0 ? url : url.slice(0, query);
  }
  get url(): string {
    return `${this.request.protocol}://${this.request.host}${this.request.url}`;
  }
  header(name: string): string | undefined {
    const value = this.request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }
}

/**
 * The paywall as a Fastify plugin (applies to every route of the instance it
 * is registered on): `onRequest` answers 402s and reserves payments,
 * `onSend` settles after a handler answered below 400 and adds
 * `PAYMENT-RESPONSE`; an error or an aborted request charges nothing.
 * Callback hooks, not async ones: a hash-chain payment is decided and
 * settled synchronously, without a promise or a microtask per hook.
 *
 * @example
 * const app = Fastify();
 * await app.register(fastifyPaywall(paywall));
 * app.get('/weather', async () => ({ temperature: 21 }));
 */
export function fastifyPaywall(paywall: Paywall) {
  const plugin = (app: FastifyInstance, _options: unknown, done: (error?: Error) => void) => {
    app.decorateRequest(GATE, null);
    app.addHook(
      'onRequest',
      (request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction) => {
        let gate: PaywallGate | Promise<PaywallGate>;
        try {
          gate = paywall.authorize(new FastifyPaywallRequest(request));
        } catch (error) {
          next(error as Error);
          return;
        }
        if (gate instanceof Promise) {
          gate.then(
            (g) => admit(request, reply, g, next),
            (error: Error) => next(error),
          );
        } else admit(request, reply, gate, next);
      },
    );
    app.addHook(
      'onSend',
      (request: FastifyRequest, reply: FastifyReply, payload: unknown, next: SendDone) => {
        const gate = (request as WithGate)[GATE];
        if (!gate) {
          next(null, payload);
          return;
        }
        (request as WithGate)[GATE] = null;
        if (reply.statusCode >= 400) {
          gate.cancel();
          next(null, payload);
          return;
        }
        let settled: PaywallSettlement | Promise<PaywallSettlement>;
        try {
          settled = gate.settle();
        } catch (error) {
          next(error as Error);
          return;
        }
        if (settled instanceof Promise) {
          settled.then(
            (s) => answer(reply, s, payload, next),
            (error: Error) => next(error),
          );
        } else answer(reply, settled, payload, next);
      },
    );
    // Rare paths: async hooks are fine here.
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

function admit(
  request: FastifyRequest,
  reply: FastifyReply,
  gate: PaywallGate,
  next: HookHandlerDoneFunction,
): void {
  if (gate.kind === 'refused') {
    // Answering from a callback hook: the reply is sent and `next` is not called.
    reply.code(402).headers(gate.response.headers).send(gate.response.body);
    return;
  }
  if (gate.kind === 'paid') (request as WithGate)[GATE] = gate;
  next();
}

function answer(reply: FastifyReply, settled: PaywallSettlement, payload: unknown, next: SendDone): void {
  if (settled.ok) {
    reply.headers(settled.headers);
    next(null, payload);
    return;
  }
  reply.code(402).headers(settled.response.headers);
  next(null, settled.response.body);
}
