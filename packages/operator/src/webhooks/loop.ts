import type { WebhookDispatcher } from './outbox-dispatcher.ts';

export const WEBHOOK_POLL_INTERVAL_MS = 1_000;

/** The outbox's background loop; `stop` waits for the round in flight. */
export function startWebhookLoop(
  dispatcher: WebhookDispatcher,
  logger: { error(obj: unknown, msg: string): void },
  intervalMs = WEBHOOK_POLL_INTERVAL_MS,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => dispatcher.deliverDue())
      .catch((err) => logger.error({ err }, 'webhook delivery round failed'));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
