import "server-only";
import { getActionContext } from "@/lib/actions";
import { getEnv } from "@/lib/env";
import type { TeamContext } from "./context";
import { createTeamService, type TeamService } from "./service";

/* Module scope on purpose, as in lib/actions/index.ts: one instance per Next.js layer. */
let teamContext: TeamContext | undefined;
let teamService: TeamService | undefined;

/** The app's action context with the teams feature's configuration. */
export function getTeamContext(): TeamContext {
  teamContext ??= { ...getActionContext(), rosterMax: getEnv().TEAM_ROSTER_MAX };
  return teamContext;
}

export function getTeamService(): TeamService {
  teamService ??= createTeamService(getTeamContext());
  return teamService;
}
