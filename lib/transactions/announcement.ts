import { z } from "zod";

/**
 * The text the transactions channel shows for one audit entry, or null for
 * an entry that is not an applied roster change (or not one this version
 * knows): the drainer acknowledges those without posting.
 */

/** Discord's cap on a message's content. */
export const MAX_MESSAGE_LENGTH = 2000;

/**
 * The fields the message needs, read loosely: the outbox holds what the
 * audit stream holds, and an entry written by a newer or older version must
 * still be announced or skipped, never stop the queue.
 */
const announcedEntrySchema = z.object({
  action: z.string(),
  actorId: z.string(),
  // Lua's cjson leaves out a field whose value is nil: absent reads as null.
  teamName: z.string().nullish().transform((value) => value ?? null),
  targetId: z.string().nullish().transform((value) => value ?? null),
  detail: z.string().nullish().transform((value) => value ?? null),
});
type AnnouncedEntry = z.infer<typeof announcedEntrySchema>;

/** Markdown that would change how a name reads or break out of the bold around it, and mention syntax (`@everyone`, `<@&id>`). */
const MARKDOWN = /[\\*_~`|<>@#[\]()-]/g;

function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN, (char) => `\\${char}`);
}

function team(entry: AnnouncedEntry): string {
  return entry.teamName === null ? "A team" : `**${escapeMarkdown(entry.teamName)}**`;
}

/** A user mention renders as their name; the drainer posts with `allowed_mentions: {parse: []}`, so nobody is pinged. */
function user(id: string | null): string {
  return id !== null && /^\d{17,20}$/.test(id) ? `<@${id}>` : "someone";
}

function withDetail(text: string, entry: AnnouncedEntry): string {
  return entry.detail === null || entry.detail === "" ? text : `${text} (${escapeMarkdown(entry.detail)})`;
}

const messages = new Map<string, (entry: AnnouncedEntry) => string>(Object.entries({
  "team.create": (entry: AnnouncedEntry) => withDetail(`${team(entry)} founded, managed by ${user(entry.actorId)}`, entry),
  "team.approve": (entry: AnnouncedEntry) => withDetail(`${team(entry)} signed ${user(entry.targetId)}`, entry),
  "team.offer-accept": (entry: AnnouncedEntry) => withDetail(`${team(entry)} signed ${user(entry.targetId)}, who accepted the team's offer`, entry),
  "team.leave": (entry: AnnouncedEntry) => `${user(entry.targetId)} left ${team(entry)}`,
  "team.remove": (entry: AnnouncedEntry) => withDetail(`${team(entry)} released ${user(entry.targetId)}`, entry),
  // A dashboard transfer's detail names the old manager by id only; the change speaks for itself.
  "team.transfer": (entry: AnnouncedEntry) => (entry.targetId === null ? `${team(entry)} has no manager now` : `${user(entry.targetId)} is the new manager of ${team(entry)}`),
  // Followed from Discord: a marked role became a team, or someone was given a team's role there.
  "team.adopt": (entry: AnnouncedEntry) =>
    entry.targetId === null ? `${team(entry)} is now a team, from its role on Discord` : withDetail(`${team(entry)} signed ${user(entry.targetId)}`, entry),
  "team.disband": (entry: AnnouncedEntry) => withDetail(`${team(entry)} disbanded`, entry),
  "window.open": (entry: AnnouncedEntry) => withDetail("The transfer window is open", entry),
  "window.close": (entry: AnnouncedEntry) => withDetail("The transfer window is closed", entry),
}));

/** The audit actions the channel announces. */
export const announcedActions: readonly string[] = [...messages.keys()];

function clip(text: string): string {
  return text.length <= MAX_MESSAGE_LENGTH ? text : `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

export function announcementOf(auditEntryJson: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(auditEntryJson);
  } catch {
    return null;
  }
  const parsed = announcedEntrySchema.safeParse(json);
  if (!parsed.success) return null;
  const message = messages.get(parsed.data.action);
  return message ? clip(message(parsed.data)) : null;
}
