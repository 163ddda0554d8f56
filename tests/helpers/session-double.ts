import type { SessionUser } from "@/lib/auth/session";

/**
 * A stand-in for `@/lib/auth/session` in route-level tests: everything
 * else a route does (origin, rate limits, parsing, Redis, Discord) runs
 * for real, only the session cookie's reading is replaced. A test file
 * swaps the module in with
 *   vi.mock("@/lib/auth/session", () => import("@/tests/helpers/session-double").then((double) => double.sessionModule));
 * and signs someone in by setting `session.user`.
 */
export const session: { user: SessionUser | null; ended: boolean } = { user: null, ended: false };

export const sessionModule = {
  getCurrentUser: async () => session.user,
  getSessionState: async () => (session.ended ? { kind: "ended" } : session.user ? { kind: "signed-in", user: session.user } : { kind: "none" }),
  endedSessionCookies: () => ["next-auth.session-token=; Path=/; Max-Age=0"],
};
