import type { ReactNode } from "react";
import type { DashboardView } from "@/lib/roles/answer";
import type { ProfileInput, ProfileSaveResult } from "@/lib/profile/schema";
import { FreeAgent } from "./free-agent";
import { JoinServer } from "./join-server";
import { Player } from "./player";
import { ProfileForm } from "./profile-form";
import { TeamManager } from "./team-manager";

/** Team features plugged into the views by the teams engineer; each is optional. */
export type TeamSlots = {
  findTeam?: ReactNode;
  createTeam?: ReactNode;
  roster?: ReactNode;
  joinRequests?: ReactNode;
  teamDetails?: ReactNode;
};

export type ViewSwitchProps = {
  view: DashboardView;
  inviteUrl: string;
  onCheckAgain: () => Promise<unknown>;
  saveProfile: (values: ProfileInput) => Promise<ProfileSaveResult>;
  initialProfile?: Partial<ProfileInput>;
  slots?: TeamSlots;
};

/** One component per `DashboardView`; the compiler checks every view has one. */
export function ViewSwitch({ view, inviteUrl, onCheckAgain, saveProfile, initialProfile, slots = {} }: ViewSwitchProps) {
  switch (view) {
    case "join-server":
      return <JoinServer inviteUrl={inviteUrl} onCheckAgain={onCheckAgain} />;
    case "profile-form":
      return <ProfileForm onSubmit={saveProfile} initial={initialProfile} />;
    case "free-agent":
      return <FreeAgent findTeamSlot={slots.findTeam} createTeamSlot={slots.createTeam} />;
    case "team-manager":
      return <TeamManager rosterSlot={slots.roster} joinRequestsSlot={slots.joinRequests} />;
    case "player":
      return <Player teamDetailsSlot={slots.teamDetails} />;
  }
}
