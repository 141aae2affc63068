/**
 * One holder at a time per key, in arrival order; a holder that never
 * releases is released after `holdMsMax` (a request whose response was lost).
 */
export function createLocks(holdMsMax: number) {
  const tails = new WeakMap<object, Promise<void>>();
  return {
    async acquire(key: object): Promise<() => void> {
      const before = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      tails.set(
        key,
        before.then(() => mine),
      );
      await before;
      const timer = setTimeout(release, holdMsMax);
      timer.unref?.();
      return () => {
        clearTimeout(timer);
        release();
      };
    },
  };
}
