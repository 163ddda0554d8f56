/** Counters for `GET /__emulator/stats` under `gateway`; reset with the emulator. */
export type GatewayCounters = {
  connections: number;
  identifies: number;
  /** IDENTIFYs answered op 9 because more than `max_concurrency` came within 5 s. */
  identifiesTooFast: number;
  resumes: number;
  /** RESUMEs of an unknown or expired session (op 9 false). */
  resumesRefused: number;
  dispatches: number;
  memberRequests: number;
  memberRequestsRateLimited: number;
  /** Close codes the server sent or the client sent, `1006` for a socket dropped without a close frame. */
  closesByCode: Record<string, number>;
};

export type GatewayStats = ReturnType<typeof createGatewayStats>;

function emptyCounters(): GatewayCounters {
  return {
    connections: 0,
    identifies: 0,
    identifiesTooFast: 0,
    resumes: 0,
    resumesRefused: 0,
    dispatches: 0,
    memberRequests: 0,
    memberRequestsRateLimited: 0,
    closesByCode: {},
  };
}

export function createGatewayStats() {
  let counters = emptyCounters();
  return {
    count(name: Exclude<keyof GatewayCounters, "closesByCode">, by = 1): void {
      counters[name] += by;
    },
    closed(code: number): void {
      counters.closesByCode[code] = (counters.closesByCode[code] ?? 0) + 1;
    },
    snapshot(): GatewayCounters {
      return structuredClone(counters);
    },
    reset(): void {
      counters = emptyCounters();
    },
  };
}
