import { describe, expect, it } from "vitest";
import { isRedisUnavailable } from "@/lib/redis/connection";

/** The messages seen while a connection rides a Sentinel failover (see tests/integration/redis/sentinel.test.ts). */
describe("isRedisUnavailable", () => {
  it("counts a lost connection and a primary being switched as unavailable", () => {
    for (const message of [
      "Stream isn't writeable and enableOfflineQueue options is false",
      'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.',
      "Connection is closed.",
      "Command timed out",
      "connect ECONNREFUSED 127.0.0.1:6379",
      "READONLY You can't write against a read only replica.",
      "LOADING Redis is loading the dataset in memory",
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      "All sentinels are unreachable. Retrying from scratch after 200ms. Last error: connect ECONNREFUSED 127.0.0.1:26379",
    ]) {
      expect(isRedisUnavailable(new Error(message)), message).toBe(true);
    }
  });

  it("leaves bugs and refusals alone", () => {
    for (const message of ["ERR wrong number of arguments for 'set' command", "WRONGTYPE Operation against a key holding the wrong kind of value", "in_team"]) {
      expect(isRedisUnavailable(new Error(message)), message).toBe(false);
    }
    expect(isRedisUnavailable("READONLY")).toBe(false);
  });
});
