import type { RateLimitScope } from "../rest/errors";

/**
 * Set on every answer the proxy wrote itself, so a client (or a person with
 * curl) can tell the proxy's refusal or 429 from Discord's; the value says why.
 */
export const proxyGeneratedHeader = "x-safa-proxy-generated";

export type LocalAnswer = { status: number; headers: Record<string, string>; body: string; reason: string };

function json(status: number, reason: string, body: Record<string, unknown>, headers: Record<string, string> = {}): LocalAnswer {
  return { status, reason, body: JSON.stringify(body), headers: { "content-type": "application/json", [proxyGeneratedHeader]: reason, ...headers } };
}

/** A refusal in Discord's error shape (`message`, `code`). */
export function refusal(status: number, reason: string, message: string, code = 0): LocalAnswer {
  return json(status, reason, { message, code });
}

/**
 * The slot did not come before the deadline: a 429 in Discord's shape.
 * `Via` is set because discord.py reads a 429 without it as a Cloudflare ban
 * and gives up instead of waiting `retry_after`.
 */
export function deadlineRateLimit(retryAfterMs: number, scope: RateLimitScope): LocalAnswer {
  const global = scope === "global";
  const retryAfterSeconds = Math.max(Math.ceil(retryAfterMs) / 1_000, 0.001);
  return json(
    429,
    `rate-limit-${scope}`,
    { message: "You are being rate limited.", retry_after: retryAfterSeconds, global },
    {
      "retry-after": String(Math.ceil(retryAfterSeconds)),
      "x-ratelimit-scope": global ? "global" : scope === "shared" ? "shared" : "user",
      ...(global ? { "x-ratelimit-global": "true" } : {}),
      via: "1.1 safa-proxy",
    },
  );
}

/** The IP is banned at Discord's edge: answered as Cloudflare does (text, no rate-limit headers), so clients stop. */
export function banAnswer(retryAfterMs: number): LocalAnswer {
  const seconds = Math.ceil(retryAfterMs / 1_000);
  return {
    status: 429,
    reason: "cloudflare-ban",
    body: `Discord's edge has banned this IP; requests resume in ${seconds} s.`,
    headers: { "content-type": "text/plain; charset=utf-8", "retry-after": String(seconds), [proxyGeneratedHeader]: "cloudflare-ban" },
  };
}

/** Too many invalid requests from this IP: the proxy holds everyone back before Discord bans it. */
export function invalidBudgetAnswer(retryAfterMs: number): LocalAnswer {
  const seconds = Math.ceil(retryAfterMs / 1_000);
  return json(503, "invalid-budget", { message: "Too many invalid requests from this IP; the proxy holds requests back to avoid a ban.", code: 0, retry_after: seconds }, { "retry-after": String(seconds) });
}
