import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Paywall, PaywallGate } from '../paywall.ts';

type PaidGate = Extract<PaywallGate, { kind: 'paid' }>;

/**
 * The paywall as Express (4 or 5) middleware. Express writes the response
 * straight to the socket, so a paid response is held back until the handler
 * ends it: below 400 it is settled (and gets `PAYMENT-RESPONSE`), otherwise
 * released unchanged and nothing is charged; if settling fails the held
 * response is dropped and a 402 sent instead.
 *
 * @example
 * const app = express();
 * app.use(expressPaywall(paywall));
 * app.get('/weather', (req, res) => res.json({ temperature: 21 }));
 */
export function expressPaywall(paywall: Paywall): RequestHandler {
  return (req, res, next) => {
    authorize(paywall, req).then((gate) => {
      if (gate.kind === 'free') return next();
      if (gate.kind === 'refused') {
        res.status(402).set(gate.response.headers).send(gate.response.body);
        return undefined;
      }
      holdUntilEnd(res, gate);
      return next();
    }, next);
  };
}

async function authorize(paywall: Paywall, req: Request): Promise<PaywallGate> {
  return paywall.authorize({
    method: req.method,
    path: req.path,
    get url() {
      return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`;
    },
    params: {},
    header: (name) => req.get(name),
  });
}

type Held = ['writeHead' | 'write' | 'end' | 'flushHeaders', unknown[]];

function holdUntilEnd(res: Response, gate: PaidGate): void {
  const raw = res as unknown as ServerResponse;
  const original = {
    writeHead: raw.writeHead,
    write: raw.write,
    end: raw.end,
    flushHeaders: raw.flushHeaders,
  };
  const held: Held[] = [];
  const call = (name: Held[0], args: unknown[]) =>
    (original[name] as (...a: unknown[]) => unknown).apply(raw, args);
  const restore = () => Object.assign(raw, original);
  const replay = () => {
    for (const [name, args] of held) call(name, args);
  };
  Object.assign(raw, {
    writeHead: (...args: unknown[]) => {
      held.push(['writeHead', args]);
      return raw;
    },
    write: (...args: unknown[]) => {
      held.push(['write', args]);
      return true;
    },
    flushHeaders: (...args: unknown[]) => {
      held.push(['flushHeaders', args]);
    },
    end: (...args: unknown[]) => {
      held.push(['end', args]);
      restore();
      finish().catch(() => {
        gate.cancel();
        if (!raw.headersSent) raw.writeHead(500, { 'content-type': 'application/json' });
        raw.end();
      });
      return raw;
    },
  });
  raw.once('close', () => gate.cancel());

  async function finish(): Promise<void> {
    const writeHead = held.find(([name]) => name === 'writeHead');
    const status = typeof writeHead?.[1][0] === 'number' ? writeHead[1][0] : raw.statusCode;
    if (status >= 400) {
      gate.cancel();
      return replay();
    }
    const settled = await gate.settle();
    if (settled.ok) {
      for (const [name, value] of Object.entries(settled.headers)) raw.setHeader(name, value);
      return replay();
    }
    for (const name of raw.getHeaderNames()) raw.removeHeader(name);
    raw.writeHead(402, settled.response.headers);
    raw.end(settled.response.body);
  }
}
