/**
 * Join requests and withdrawals are written to a stream of their own beside
 * the audit stream: any free agent can make them in numbers, and each stream
 * is trimmed at the same length, so a flood of them pushes out only their
 * like, never an admin's or a Discord-changing entry.
 */
export function requestStreamOf(auditKey: string): string {
  return `${auditKey}:requests`;
}
