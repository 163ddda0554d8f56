import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { rolesQueryKey } from "@/components/dashboard/roles-client";
import { applyLiveEvent, reopenDelayMs } from "@/components/live/live-events";
import { myTeamQueryKey, teamsQueryKey } from "@/components/teams/teams-client";
import type { RolesAnswer } from "@/lib/roles/answer";

const answer: RolesAnswer = {
  view: "free-agent",
  isAdmin: false,
  member: true,
  roles: ["profile", "free-agent"],
  nick: null,
  fetchedAt: "2026-11-27T20:00:00.000Z",
  how: "cache",
  stale: true,
  nextRefreshAt: "2026-11-27T20:00:30.000Z",
  discordBusy: true,
};

const pushedRoles = { view: "player" as const, isAdmin: false, member: true, roles: ["profile", "player", "team"], nick: "Nick", fetchedAt: "2026-11-27T20:01:00.000Z" };
const myTeam = { viewerId: "7", team: null, canManage: false };

function client(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false } } });
}

/** A query observed as a mounted component would, so an invalidation refetches it; counts the fetches. */
function observed(queryClient: QueryClient, queryKey: readonly string[], data: unknown) {
  let fetches = 0;
  queryClient.setQueryData(queryKey, data);
  const observer = new QueryObserver(queryClient, {
    queryKey,
    queryFn: () => {
      fetches += 1;
      return data;
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  const unsubscribe = observer.subscribe(() => undefined);
  return { fetches: () => fetches, unsubscribe };
}

describe("applyLiveEvent", () => {
  it("merges pushed roles into the last answer, keeping the server's pacing fields", async () => {
    const queryClient = client();
    queryClient.setQueryData(rolesQueryKey, answer);
    await applyLiveEvent(queryClient, "roles", JSON.stringify(pushedRoles));
    expect(queryClient.getQueryData(rolesQueryKey)).toEqual({ ...pushedRoles, how: "cache", stale: true, nextRefreshAt: answer.nextRefreshAt, discordBusy: true });
  });

  it("leaves roles alone where no page shows them", async () => {
    const queryClient = client();
    await applyLiveEvent(queryClient, "roles", JSON.stringify(pushedRoles));
    expect(queryClient.getQueryData(rolesQueryKey)).toBeUndefined();
  });

  it("writes the team and marks the team list stale; refuses a team in the wrong shape", async () => {
    const queryClient = client();
    queryClient.setQueryData(teamsQueryKey, { teams: [], myRequests: 0, myRequestsMax: 3 });
    await applyLiveEvent(queryClient, "team", JSON.stringify(myTeam));
    expect(queryClient.getQueryData(myTeamQueryKey)).toEqual(myTeam);
    expect(queryClient.getQueryState(teamsQueryKey)?.isInvalidated).toBe(true);

    await applyLiveEvent(queryClient, "team", JSON.stringify({ viewerId: 7 }));
    expect(queryClient.getQueryData(myTeamQueryKey)).toEqual(myTeam);
    expect(queryClient.getQueryState(myTeamQueryKey)?.isInvalidated).toBe(true);
  });

  it("refetch and session-ended re-read what they name; roles in the wrong shape are re-read, not written", async () => {
    const queryClient = client();
    const roles = observed(queryClient, rolesQueryKey, answer);
    const team = observed(queryClient, myTeamQueryKey, myTeam);
    await applyLiveEvent(queryClient, "refetch", JSON.stringify({ queries: ["team"] }));
    expect([roles.fetches(), team.fetches()]).toEqual([0, 1]);
    await applyLiveEvent(queryClient, "session-ended", "{}");
    expect([roles.fetches(), team.fetches()]).toEqual([1, 1]);
    await applyLiveEvent(queryClient, "roles", JSON.stringify({ ...pushedRoles, view: "emperor" }));
    expect(roles.fetches()).toBe(2);
    expect(queryClient.getQueryData(rolesQueryKey)).toEqual(answer);
    await applyLiveEvent(queryClient, "refetch", "not json");
    expect([roles.fetches(), team.fetches()]).toEqual([3, 2]);
    roles.unsubscribe();
    team.unsubscribe();
  });
});

describe("applyLiveEvent: the data a new stream starts from", () => {
  const ready = (data: Record<string, unknown>) => JSON.stringify({ resumed: false, ...data });

  it("writes a changed team and re-reads the list; an equal team re-reads nothing", async () => {
    const queryClient = client();
    const team = observed(queryClient, myTeamQueryKey, myTeam);
    const list = observed(queryClient, teamsQueryKey, { teams: [], myRequests: 0, myRequestsMax: 3 });
    await applyLiveEvent(queryClient, "ready", ready({ team: { ...myTeam } }));
    expect([team.fetches(), list.fetches()]).toEqual([0, 0]);
    const joined = { ...myTeam, team: { id: "42", name: "Accra Hearts", tag: "ACC", managerId: "7", rosterMax: 8, roster: [], requests: [], pendingChange: false } };
    await applyLiveEvent(queryClient, "ready", ready({ team: joined }));
    expect(queryClient.getQueryData(myTeamQueryKey)).toMatchObject({ team: { id: "42" } });
    expect(list.fetches()).toBe(1);
    team.unsubscribe();
    list.unsubscribe();
  });

  it("merges roles into the last answer, and asks again when the first answer is still on its way", async () => {
    const queryClient = client();
    queryClient.setQueryData(rolesQueryKey, answer);
    await applyLiveEvent(queryClient, "ready", ready({ roles: pushedRoles }));
    expect(queryClient.getQueryData<RolesAnswer>(rolesQueryKey)?.view).toBe("player");

    const loading = client();
    let answers = 0;
    let release: (value: RolesAnswer) => void = () => undefined;
    const observer = new QueryObserver(loading, {
      queryKey: rolesQueryKey,
      queryFn: () => {
        answers += 1;
        // The first answer was computed before the change; it arrives after the stream's first event.
        return answers === 1 ? new Promise<RolesAnswer>((resolve) => (release = resolve)) : { ...answer, ...pushedRoles };
      },
    });
    const unsubscribe = observer.subscribe(() => undefined);
    await applyLiveEvent(loading, "ready", ready({ roles: pushedRoles }));
    release(answer);
    await vi.waitFor(() => expect(loading.getQueryData<RolesAnswer>(rolesQueryKey)?.view).toBe("player"));
    expect(answers).toBe(2);
    unsubscribe();
  });

  it("ignores a resumed ready and one without data; re-reads what does not parse", async () => {
    const queryClient = client();
    const roles = observed(queryClient, rolesQueryKey, answer);
    const team = observed(queryClient, myTeamQueryKey, myTeam);
    await applyLiveEvent(queryClient, "ready", JSON.stringify({ resumed: true, roles: pushedRoles }));
    await applyLiveEvent(queryClient, "ready", ready({}));
    await applyLiveEvent(queryClient, "ready", "not json");
    expect(queryClient.getQueryData(rolesQueryKey)).toEqual(answer);
    expect([roles.fetches(), team.fetches()]).toEqual([0, 0]);
    await applyLiveEvent(queryClient, "ready", ready({ team: { viewerId: 7 }, roles: { ...pushedRoles, view: "emperor" } }));
    expect([roles.fetches(), team.fetches()]).toEqual([1, 1]);
    roles.unsubscribe();
    team.unsubscribe();
  });
});

describe("reopenDelayMs", () => {
  it("doubles from 15 s and stops at 5 min", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(reopenDelayMs)).toEqual([15_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
  });
});
