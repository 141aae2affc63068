/** The nodes' clock in a test: real time (or a frozen instant) plus an offset the test moves forward. */
export interface TestClock {
  readonly now: () => Date;
  advance(ms: number): void;
}

/** `frozen`: time stands still between `advance` calls, so a test can step exactly to a deadline. */
export function createTestClock(options: { readonly frozen?: boolean } = {}): TestClock {
  const frozenAtMs = options.frozen ? Date.now() : undefined;
  let offsetMs = 0;
  return {
    now: () => new Date((frozenAtMs ?? Date.now()) + offsetMs),
    advance(ms) {
      offsetMs += ms;
    },
  };
}
