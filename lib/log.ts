import pino, { type Logger } from "pino";

/**
 * Paths pino blanks before a line is written. Tokens must never reach a log,
 * so anything that could hold one is redacted wherever it appears.
 */
const redactedPaths = [
  "token",
  "accessToken",
  "refreshToken",
  "access_token",
  "refresh_token",
  "authorization",
  "headers.authorization",
  "*.token",
  "*.accessToken",
  "*.refreshToken",
  "*.access_token",
  "*.refresh_token",
  "*.authorization",
  "secret",
  "*.secret",
];

function level(): string {
  return process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info");
}

/** The process-wide logger; modules take a child with their own `module` field. */
export const logger: Logger = pino({
  level: level(),
  base: { service: "safa-dashboard" },
  redact: { paths: redactedPaths, censor: "[redacted]" },
});

export function moduleLogger(module: string): Logger {
  return logger.child({ module });
}
