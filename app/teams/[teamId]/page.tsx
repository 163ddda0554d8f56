import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { TeamPageView } from "@/components/teams/team-page-view";
import { getCurrentUser } from "@/lib/auth/session";
import { getTeamContext } from "@/lib/teams";
import { snowflakeSchema } from "@/lib/teams/input";
import { teamPage } from "@/lib/teams/team-page";

export const metadata: Metadata = { title: "Team · SAFA Dashboard" };

type Props = { params: Promise<{ teamId: string }> };

/**
 * A team's page: any signed-in member may read it (rosters are public on
 * the Discord server too); without a session, the login comes first. An
 * unknown team, or an id that is no Discord id, is a 404.
 */
export default async function TeamRoute({ params }: Props) {
  const user = await getCurrentUser();
  if (!user) redirect("/");
  const { teamId } = await params;
  if (!snowflakeSchema.safeParse(teamId).success) notFound();
  const team = await teamPage(getTeamContext(), teamId);
  if (!team) notFound();
  return <TeamPageView team={team} />;
}
