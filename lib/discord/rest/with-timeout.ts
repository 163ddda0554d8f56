/** Redis did not answer in time or the connection failed: the caller falls back to local limits. */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
}

/**
 * Races a Redis call against a timer. The command may still run on the
 * server after we gave up; every script is written so that is harmless
 * (a lease expires, a global slot is spent conservatively).
 */
export async function withRedisTimeout<T>(call: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnavailableError(`redis ${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([call, timeout]);
  } catch (error) {
    if (error instanceof RedisUnavailableError) throw error;
    throw new RedisUnavailableError(`redis ${what} failed`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
