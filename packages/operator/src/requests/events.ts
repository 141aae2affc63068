import { EventEmitter } from 'node:events';

/** Listeners per customer at most (one per open SSE stream); more is refused. */
export const STREAMS_PER_CUSTOMER_MAX = 8;

/**
 * In-process push of new requests to a customer's open streams. Other node
 * processes on the same database are covered by the stream's periodic poll.
 */
export interface RequestEvents {
  publish(customerId: string, requestId: string): void;
  subscribe(customerId: string, listener: (requestId: string) => void): (() => void) | undefined;
}

export function createRequestEvents(): RequestEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: (customerId, requestId) => emitter.emit(customerId, requestId),
    subscribe(customerId, listener) {
      if (emitter.listenerCount(customerId) >= STREAMS_PER_CUSTOMER_MAX) return undefined;
      emitter.on(customerId, listener);
      return () => emitter.off(customerId, listener);
    },
  };
}
