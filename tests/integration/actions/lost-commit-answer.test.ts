import { createHash } from "node:crypto";
import { Command, type Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAudit } from "@/lib/audit/log";
import { teamJoinCommitScript } from "@/lib/redis/scripts/team-join-commit";
import { teamLeaveCommitScript } from "@/lib/redis/scripts/team-leave-commit";
import { createWorld, ids, rejection, users, type World } from "../../helpers/teams-world";

/**
 * A commit script whose answer never arrives (the connection dropped, the
 * command timed out) may or may not have run; a client may also send it a
 * second time after reconnecting. The action must come out the same on
 * Discord and in Redis either way: never undone on Discord while Redis
 * holds it, never applied twice.
 */

type SendCommand = (command: Command, ...rest: unknown[]) => unknown;

const sha = (lua: string) => createHash("sha1").update(lua).digest("hex");
const joinSha = sha(teamJoinCommitScript.lua);
const leaveSha = sha(teamLeaveCommitScript.lua);

let world: World;

beforeEach(async () => {
  world = await createWorld();
});

afterEach(async () => {
  await world.close();
});

/** Runs `around` in place of the first commit of the script `scriptSha` this connection sends. */
function interceptCommit(redis: Redis, scriptSha: string, around: (send: () => Promise<unknown>, sendAgain: () => Promise<unknown>) => Promise<unknown>): void {
  const target = redis as unknown as { sendCommand: SendCommand };
  const original = target.sendCommand.bind(redis);
  let intercepted = false;
  target.sendCommand = (command, ...rest) => {
    if (intercepted || command.name !== "evalsha" || command.args[0] !== scriptSha) return original(command, ...rest);
    intercepted = true;
    // A second run is a new command with the same script and inputs, as a client resending it after a reconnect would write.
    const again = () => original(new Command(command.name, command.args as string[], { replyEncoding: "utf8" })) as Promise<unknown>;
    return around(() => original(command, ...rest) as Promise<unknown>, again);
  };
}

async function teamWithRequest(): Promise<string> {
  const created = await world.service.createTeam(users.freeagent, { name: "Accra Hearts", tag: "AH" });
  const teamId = created.teamId ?? "";
  await world.service.requestToJoin(users.freeagent2, teamId);
  return teamId;
}

async function joins(teamId: string): Promise<number> {
  const entries = await readAudit(world.redis, world.keys.audit, 100);
  return entries.filter((entry) => entry.action === "team.approve" && entry.teamId === teamId).length;
}

describe("a join whose commit answer is lost", () => {
  it("stands on Discord and in Redis when the script ran", async () => {
    const teamId = await teamWithRequest();
    interceptCommit(world.redis, joinSha, async (send) => {
      await send();
      throw new Error("Connection is closed.");
    });

    const result = await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id);

    expect(result.applied).toBe(true);
    expect(await world.rolesOf(users.freeagent2.id)).toEqual(expect.arrayContaining([teamId, ids.player]));
    expect(await world.redis.zscore(world.keys.members(teamId), users.freeagent2.id)).not.toBeNull();
    expect(await world.redis.hlen(world.keys.journals)).toBe(0);
    expect(await joins(teamId)).toBe(1);
  });

  it("is undone on Discord when the script never ran", async () => {
    const teamId = await teamWithRequest();
    interceptCommit(world.redis, joinSha, async () => {
      throw new Error("Connection is closed.");
    });

    const error = await rejection(world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id));

    expect(error).toMatchObject({ status: 503, code: "storage_unavailable" });
    expect(await world.rolesOf(users.freeagent2.id)).not.toContain(teamId);
    expect(await world.redis.zscore(world.keys.members(teamId), users.freeagent2.id)).toBeNull();
    expect(await world.redis.hlen(world.keys.journals)).toBe(0);
    expect(await joins(teamId)).toBe(0);
  });

  it("is applied once when the script is sent twice", async () => {
    // Leaving is the commit a second run would refuse ("not a member" any more), which used to undo the leave on Discord.
    const teamId = await teamWithRequest();
    await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id);
    interceptCommit(world.redis, leaveSha, async (send, sendAgain) => {
      await send();
      return sendAgain();
    });

    const result = await world.service.removeMember(users.freeagent2, teamId, users.freeagent2.id);

    expect(result.applied).toBe(true);
    expect(await world.rolesOf(users.freeagent2.id)).not.toContain(teamId);
    expect(await world.redis.zscore(world.keys.members(teamId), users.freeagent2.id)).toBeNull();
    expect(await world.redis.hlen(world.keys.journals)).toBe(0);
  });
});
