import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { receiveWebhook, type WebhookEnvelope } from '@tallystick/operator';
import { type TrustList, trustResolver } from '@tallystick/protocol';

/** Webhook bodies are one signed JWS; anything bigger is not one. */
const WEBHOOK_BODY_BYTES_MAX = 65_536;

export interface WebhookDelivery {
  readonly eventId: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** POSTs of this event that reached the box office (a retry after a lost answer makes two). */
  readonly received: number;
  /** Times the event took effect: exactly one, whatever the retries. */
  readonly applied: number;
}

/**
 * The merchant's webhook endpoint for the request-to-pay demo: checks the
 * operator's signature against the published trust list and applies each
 * event id once (an in-memory set stands in for the merchant's database).
 */
export interface BoxOffice {
  readonly endpointUrl: string;
  /** The trust list to check signatures with (read from the operator once it exists). */
  trust(list: TrustList): void;
  /** Resolves with the event's delivery once it has taken effect. */
  delivered(eventId: string, timeoutMs: number): Promise<WebhookDelivery>;
  close(): Promise<void>;
}

export async function listenBoxOffice(host: string, merchantId: () => string): Promise<BoxOffice> {
  let trust: TrustList = { version: 1, keys: [] };
  const deliveries = new Map<
    string,
    { type: string; data: WebhookEnvelope['data']; received: number; applied: number }
  >();
  const waiters = new Map<string, () => void>();
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const eventId = String(req.headers['tally-webhook-id'] ?? '');
    const result =
      body === undefined
        ? { status: 413 as const }
        : await receiveWebhook(body, {
            merchantId: merchantId(),
            resolveKey: trustResolver(trust),
            applyOnce: async (event) => {
              const seen = deliveries.get(event.id);
              if (seen) return false;
              deliveries.set(event.id, { type: event.type, data: event.data, received: 0, applied: 1 });
              return true;
            },
          });
    const seen = deliveries.get(eventId);
    if (seen && result.status === 200) {
      seen.received++;
      waiters.get(eventId)?.();
    }
    res.writeHead(result.status, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    endpointUrl: `${url}/webhooks/tally`,
    trust(list) {
      trust = list;
    },
    delivered(eventId, timeoutMs) {
      const view = (): WebhookDelivery | undefined => {
        const d = deliveries.get(eventId);
        return d && d.received > 0 ? { eventId, ...d } : undefined;
      };
      const now = view();
      if (now) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(eventId);
          reject(new Error(`webhook ${eventId} did not arrive within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(eventId, () => {
          clearTimeout(timer);
          waiters.delete(eventId);
          resolve(view() as WebhookDelivery);
        });
      });
    },
    close: () => closeServer(server),
  };
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > WEBHOOK_BODY_BYTES_MAX) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
