/** Small pieces every benchmark driver uses. */

/** Runs `task` over `items` with at most `limit` in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** What a run started, undone in reverse order at the end or on an interrupt; a failing step is reported and the rest still run. */
export function cleanupStack() {
  const steps: (() => Promise<void>)[] = [];
  return {
    push(step: () => Promise<void>): void {
      steps.push(step);
    },
    async run(): Promise<void> {
      for (const step of steps.splice(0).reverse()) {
        await step().catch((error: unknown) => console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
      }
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, Math.max(0, ms)));
}
