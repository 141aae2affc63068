/**
 * Runs tasks one at a time, in call order. Vouchers must be signed in seq
 * order and the purchase list extended one item at a time, so every
 * operation of a trading session goes through one of these.
 */
export interface SerialQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(task) {
      const result = tail.then(task);
      // The next task waits for this one to settle, whatever its outcome.
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
