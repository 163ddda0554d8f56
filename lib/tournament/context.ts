import type { ActionContext } from "@/lib/actions/context";

/**
 * What the tournament rules need of the app: its Redis, keys and clock, and
 * whether the transactions channel is configured (a read of the window
 * announces a scheduled change whose time has come). A team context is one,
 * so team actions pass theirs as it is.
 */
export type TournamentContext = Pick<ActionContext, "redis" | "keys" | "now" | "log" | "announceChanges">;
