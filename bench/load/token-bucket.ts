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
