/**
 * Job lists for bench:rest, already split between processes, and the member
 * roles each list must leave behind.
 *
 * Every member-role ("combo") belongs to one process, so the order of the
 * calls on it is the order one caller gave, and its last call decides the
 * expected final state. Across processes no order is given, so none is
 * checked.
 */
export type Job = { method: "GET" | "PUT" | "DELETE"; path: string };

export const guildId = "1100000000000000001";
const memberIds = Array.from({ length: 7 }, (_, i) => String(1_200_000_000_000_000_002n + BigInt(i)));
const roleIds = ["1100000000000000101", "1100000000000000102", "1100000000000000103", "1100000000000000104", "1100000000000000105"];
/** 7 members x 5 roles. */
const comboCount = memberIds.length * roleIds.length;

type Combo = { memberId: string; roleId: string };

function combo(index: number): Combo {
  const c = index % comboCount;
  return { memberId: memberIds[c % memberIds.length] ?? "", roleId: roleIds[Math.floor(c / memberIds.length)] ?? "" };
}

const rolePath = ({ memberId, roleId }: Combo) => `/guilds/${guildId}/members/${memberId}/roles/${roleId}`;

/** Combo c goes to process c mod n. */
function splitByCombo(calls: { combo: number; job: Job }[], processes: number): Job[][] {
  const lists: Job[][] = Array.from({ length: processes }, () => []);
  for (const call of calls) lists[(call.combo % comboCount) % processes]?.push(call.job);
  return lists;
}

/**
 * `total` changes in pairs on one combo each, pair k on combo k mod 35:
 * even combos add then remove (must end without the role), odd combos
 * remove then add (must end with it), so a swap shows either way. PUTs and
 * DELETEs are interleaved, as a dashboard's adds and removes are.
 */
export function mixedRoleJobs(total: number, processes: number): Job[][] {
  const calls = Array.from({ length: total }, (_, i) => {
    const pair = Math.floor(i / 2);
    const addFirst = pair % comboCount % 2 === 0;
    const isAdd = (i % 2 === 0) === addFirst;
    return { combo: pair, job: { method: isAdd ? "PUT" : "DELETE", path: rolePath(combo(pair)) } satisfies Job };
  });
  return splitByCombo(calls, processes);
}

/** `total` adds, call i on combo i mod 35: one method, so one route and one queue from the first call. */
export function putOnlyRoleJobs(total: number, processes: number): Job[][] {
  const calls = Array.from({ length: total }, (_, i) => ({ combo: i, job: { method: "PUT", path: rolePath(combo(i)) } satisfies Job }));
  return splitByCombo(calls, processes);
}

/** GET /guilds/{id}/roles over 100 guilds (the emulator knows one; the others answer 404), evenly split. */
export function globalJobs(total: number, processes: number): Job[][] {
  const guilds = [guildId, ...Array.from({ length: 99 }, (_, i) => String(1_100_000_000_000_010_000n + BigInt(i)))];
  const jobs: Job[] = Array.from({ length: total }, (_, i) => ({ method: "GET", path: `/guilds/${guilds[i % guilds.length] ?? guildId}/roles` }));
  const size = Math.ceil(jobs.length / processes);
  return Array.from({ length: processes }, (_, p) => jobs.slice(p * size, (p + 1) * size));
}

/**
 * One add and one remove of the first combo in `jobs`, which teach a client
 * the hash of both member-role routes; the measured jobs then touch that
 * combo again, so the warm-up does not change what they must leave behind.
 */
export function roleWarmup(jobs: Job[]): Job[] {
  const first = jobs[0];
  if (!first) return [];
  return [
    { method: "PUT", path: first.path },
    { method: "DELETE", path: first.path },
  ];
}

const rolePathPattern = /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/;

/** "member/role" -> whether the member must hold the role after `lists` ran: each combo's last call decides. */
export function expectedRoles(lists: readonly Job[][]): Map<string, boolean> {
  const expected = new Map<string, boolean>();
  for (const list of lists) {
    for (const job of list) {
      const match = rolePathPattern.exec(job.path);
      if (!match || job.method === "GET") continue;
      expected.set(`${match[2]}/${match[3]}`, job.method === "PUT");
    }
  }
  return expected;
}

/** Combos whose held state differs from `expected`, given each member's roles as the emulator holds them. */
export function roleMismatches(expected: ReadonlyMap<string, boolean>, rolesByMember: ReadonlyMap<string, readonly string[]>): string[] {
  const wrong: string[] = [];
  for (const [key, mustHold] of expected) {
    const [memberId = "", roleId = ""] = key.split("/");
    const holds = rolesByMember.get(memberId)?.includes(roleId) ?? false;
    if (holds !== mustHold) wrong.push(key);
  }
  return wrong;
}
