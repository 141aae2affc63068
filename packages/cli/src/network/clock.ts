/**
 * The network's one clock: real time plus an offset that only moves forward.
 * The demo and the tests move it past a session's timer instead of waiting
 * for it; every party in the process (operators, wallet, shop) reads it.
 */
export interface NetworkClock {
  readonly now: () => Date;
  /** Moves every party's time forward by `ms`. */
  advance(ms: number): void;
}

export function createNetworkClock(): NetworkClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`the clock only moves forward, not by ${ms} ms`);
      offsetMs += ms;
    },
  };
}
