/** Nearest-rank percentile of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function uniformMs(minMs: number, maxMs: number): number {
  return minMs + Math.random() * (maxMs - minMs);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, Math.max(0, ms)));
}

export function pick<T>(items: readonly T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)];
}

/** A token bucket: `ratePerSecond` refill, at most `capacity` saved up. */
export function tokenBucket(ratePerSecond: number, capacity: number) {
  let tokens = capacity;
  let updatedAt = Date.now();
  const refill = () => {
    const now = Date.now();
    tokens = Math.min(capacity, tokens + ((now - updatedAt) / 1_000) * ratePerSecond);
    updatedAt = now;
  };
  return {
    has(amount: number): boolean {
      refill();
      return tokens >= Math.min(amount, capacity);
    },
    take(amount: number): void {
      refill();
      tokens -= amount;
    },
  };
}
