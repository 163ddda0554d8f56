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

/**
 * The process-wide logger; modules take a child with their own `module`
 * field. It is built before the environment is validated (a bad variable is
 * itself logged), so it reads its two settings, LOG_LEVEL and LOG_FILE
 * (default: standard output), directly.
 */
export const logger: Logger = pino(
  {
    level: level(),
    base: { service: "safa-dashboard" },
    redact: { paths: redactedPaths, censor: "[redacted]" },
  },
  process.env.LOG_FILE ? pino.destination({ dest: process.env.LOG_FILE, mkdir: true, sync: false }) : undefined,
);

export function moduleLogger(module: string): Logger {
  return logger.child({ module });
}
