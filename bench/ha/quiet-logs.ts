/**
 * Imported first by the bench's entry point, before lib/log builds the
 * process logger: the bench's own process logs only errors, because its
 * tables go to standard output. The app instances keep the level they
 * would have had (their logs go to files).
 */
export const appLogLevel = process.env.LOG_LEVEL ?? "info";
process.env.LOG_LEVEL = "error";
