/**
 * One lane per resource path: a request waits until the one before it on
 * the same path (same token) has been answered. Discord clients send an add
 * and a remove of one member's role over separate connections with nothing
 * between them, and until a route's bucket is learned the two methods wait
 * in different queues; without a lane the remove can overtake the add and
 * the member keeps the role. Different paths never wait for each other.
 */
export class PathLanes {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `task` once every earlier request on `key` is done. A caller that
   * hangs up (`signal`) or whose deadline passes while it waits leaves the
   * lane with `expired()`'s error; those behind it still wait for the ones
   * before it, so leaving never lets anyone overtake.
   */
  async run<T>(key: string, task: () => Promise<T>, options: { signal: AbortSignal; deadlineAt: number; expired: () => Error }): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let finish!: () => void;
    const ours = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const tail = previous.then(() => ours);
    this.tails.set(key, tail);
    try {
      await untilTurn(previous, options);
      return await task();
    } finally {
      finish();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Paths with a request in flight or waiting, for tests. */
  get size(): number {
    return this.tails.size;
  }
}

function untilTurn(previous: Promise<void>, options: { signal: AbortSignal; deadlineAt: number; expired: () => Error }): Promise<void> {
  const { signal } = options;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const leave = (error: unknown) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      reject(error);
    };
    const onAbort = () => leave(signal.reason);
    const timer = setTimeout(() => leave(options.expired()), Math.max(options.deadlineAt - Date.now(), 0));
    signal.addEventListener("abort", onAbort, { once: true });
    void previous.then(() => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
