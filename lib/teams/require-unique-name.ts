import "server-only";
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { runScript } from "@/lib/redis/lua-script";
import { teamIndexKeysScript } from "@/lib/redis/scripts/team-index-keys";
import type { TeamContext } from "./context";
import { teamNameKey, teamTagKey } from "@/lib/actions/keys";
import type { CreateTeamInput } from "./input";
import { createTeamStore } from "./store";

const indexedFieldsSchema = z.tuple([z.null(), z.tuple([z.string().nullable(), z.string().nullable(), z.string().nullable(), z.string().nullable()])]);

/**
 * Claims lazily, on each create, the name and tag keys of teams recorded
 * without them: teams from before keys were look-alike skeletons, and teams
 * a path recorded without a tag key. Teams are few, and one pipelined HMGET
 * each is all an indexed team costs.
 */
async function indexTeamKeys(context: TeamContext): Promise<void> {
  const teamIds = await createTeamStore(context.redis, context.keys).teamIds();
  if (teamIds.length === 0) return;
  const pipeline = context.redis.pipeline();
  for (const teamId of teamIds) pipeline.hmget(context.keys.team(teamId), "name", "tag", "normalizedName", "tagKey");
  const replies = (await pipeline.exec()) ?? [];
  for (const [index, teamId] of teamIds.entries()) {
    const fields = indexedFieldsSchema.safeParse(replies[index]);
    if (!fields.success) continue;
    const [name, tag, nameKey, tagKey] = fields.data[1];
    if (name === null || tag === null) continue;
    if (nameKey === teamNameKey(name) && (tag === "" || tagKey === teamTagKey(tag))) continue;
    const reply = await runScript(context.redis, teamIndexKeysScript, {
      keys: { teamKey: context.keys.team(teamId), namesKey: context.keys.teamNames, tagsKey: context.keys.teamTags },
      args: { teamId, name, tag, nameKey: teamNameKey(name), tagKey: teamTagKey(tag) },
    });
    if (reply === "shared") context.log.warn({ teamId, name, tag }, "a team from before look-alike checks shares its name or tag with another; left as it is");
  }
}

/**
 * Refuses a team name or tag that another team holds, or one that looks the
 * same ("Abuja EagIes" beside "Abuja Eagles"), naming the field. The create
 * commit script checks again atomically.
 */
export async function requireUniqueNameAndTag(context: TeamContext, input: CreateTeamInput): Promise<void> {
  await indexTeamKeys(context);
  const store = createTeamStore(context.redis, context.keys);
  const [nameHolder, tagHolder] = await Promise.all([store.teamIdByName(teamNameKey(input.name)), store.teamIdByTag(teamTagKey(input.tag))]);
  if (nameHolder !== null) {
    const holder = await store.team(nameHolder);
    const message = holder
      ? `A team with a name that looks the same already exists: ${holder.name}. Pick another name.`
      : "A team with this name, or one that looks the same, already exists. Pick another name.";
    throw new ApiError("name_taken", message, { field: "name", fieldErrors: { name: message } });
  }
  if (tagHolder !== null) {
    const holder = await store.team(tagHolder);
    const message = holder
      ? `${holder.name} already uses a tag that looks the same: ${holder.tag}. Pick another tag.`
      : "Another team already uses this tag, or one that looks the same. Pick another tag.";
    throw new ApiError("tag_taken", message, { field: "tag", fieldErrors: { tag: message } });
  }
}
