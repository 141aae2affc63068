import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Party } from '../parties/model.ts';
import type { RequestEvents } from './events.ts';
import type { RequestsService } from './service.ts';
import { requestView } from './views.ts';

/** Another node process may have taken the request: poll this often as well as listening. */
export const STREAM_POLL_MS = 5_000;
/** A stream ends after this long; the client reconnects (EventSource does so by itself). */
export const STREAM_LIFETIME_MS = 15 * 60_000;

/** Server-sent events: every pending request once, then each new one as it arrives. */
export async function streamPending(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: { requests: RequestsService; events: RequestEvents; customer: Party },
): Promise<void> {
  if (deps.customer.kind !== 'customer') {
    await reply.code(403).send({
      error: { code: 'not_a_customer', message: 'only a customer can do this' },
      requestId: request.id,
    });
    return;
  }
  const sent = new Set<string>();
  const push = async () => {
    for (const r of await deps.requests.pending(deps.customer)) {
      if (sent.has(r.id)) continue;
      sent.add(r.id);
      reply.raw.write(`id: ${r.id}\nevent: purchase_request\ndata: ${JSON.stringify(requestView(r))}\n\n`);
    }
  };
  let closing = false;
  const unsubscribe = deps.events.subscribe(deps.customer.id, () => void push().catch(() => {}));
  if (!unsubscribe) {
    await reply
      .code(429)
      .send({ error: { code: 'too_many_streams', message: 'too many open streams' }, requestId: request.id });
    return;
  }
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  reply.raw.write(': pending purchase requests\n\n');
  const poll = setInterval(() => void push().catch(() => {}), STREAM_POLL_MS);
  const close = () => {
    if (closing) return;
    closing = true;
    clearInterval(poll);
    clearTimeout(lifetime);
    unsubscribe();
    reply.raw.end();
  };
  const lifetime = setTimeout(close, STREAM_LIFETIME_MS);
  request.raw.on('close', close);
  await push();
}
