"use client";

import type { DashboardView } from "@/lib/roles/answer";
import type { TeamSlots } from "../views/view-switch";
import { CreateTeamForm } from "./create-team-form";
import { MyJoinRequests, MyTeamRoster } from "./my-team";
import { TeamBrowser } from "./team-browser";

/**
 * The teams feature's pieces for each dashboard view. `onRolesChanged` is
 * called after an action changed the user's own roles, so the dashboard
 * re-reads them (the server wrote them through) and switches view.
 */
export function teamSlotsFor(view: DashboardView, onRolesChanged: () => unknown): TeamSlots {
  switch (view) {
    case "free-agent":
      return { findTeam: <TeamBrowser />, createTeam: <CreateTeamForm onCreated={onRolesChanged} /> };
    case "team-manager":
      return { roster: <MyTeamRoster onRolesChanged={onRolesChanged} />, joinRequests: <MyJoinRequests /> };
    case "player":
      return { teamDetails: <MyTeamRoster onRolesChanged={onRolesChanged} /> };
    default:
      return {};
  }
}
