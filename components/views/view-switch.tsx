import type { DashboardView } from "@/lib/roles/answer";
import type { ProfileInput, ProfileSaveResult } from "@/lib/profile/schema";
import { FreeAgent } from "./free-agent";
import { JoinServer } from "./join-server";
import { Player } from "./player";
import { ProfileForm } from "./profile-form";
import { TeamManager } from "./team-manager";

export type ViewSwitchProps = {
  view: DashboardView;
  inviteUrl: string;
  /** Asks the server for the user's roles again; the dashboard switches view when they changed. */
  refreshRoles: () => Promise<unknown>;
  saveProfile: (values: ProfileInput) => Promise<ProfileSaveResult>;
};

/** One component per `DashboardView`; the compiler checks every view has one. */
export function ViewSwitch({ view, inviteUrl, refreshRoles, saveProfile }: ViewSwitchProps) {
  switch (view) {
    case "join-server":
      return <JoinServer inviteUrl={inviteUrl} onCheckAgain={refreshRoles} />;
    case "profile-form":
      return <ProfileForm onSubmit={saveProfile} />;
    case "free-agent":
      return <FreeAgent onRolesChanged={refreshRoles} />;
    case "team-manager":
      return <TeamManager onRolesChanged={refreshRoles} />;
    case "player":
      return <Player onRolesChanged={refreshRoles} />;
  }
}
