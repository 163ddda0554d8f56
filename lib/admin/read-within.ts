/** Neither the admin page nor a scrape waits longer than this for one health read from Redis. */
export const healthReadTimeoutMs = 1_000;

/**
 * `read`'s answer, or null when it fails or takes longer than `timeoutMs`:
 * the panel and the gauges show "unknown" rather than hold a page or a
 * scrape up while Redis is away.
 */
export async function readWithin<T>(read: () => Promise<T>, timeoutMs: number = healthReadTimeoutMs): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    return await Promise.race([read(), timeout]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
