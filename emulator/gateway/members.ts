/**
 * op 8 REQUEST_GUILD_MEMBERS: who matches, cut into GUILD_MEMBERS_CHUNK dispatches of up to
 * 1,000 members, and the 30 s limit on asking for everyone (answered with RATE_LIMITED).
 */
import {
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  type APIGuildMember,
  type GatewayGuildMembersChunkDispatchData,
  type GatewayRateLimitedRequestGuildMembersDispatchData,
} from "discord-api-types/v10";
import type { Clock } from "../rate-limiter";
import type { Directory } from "../state";
import { MAX_QUERY_LIMIT, MEMBER_REQUEST_COOLDOWN_MS, MEMBERS_PER_CHUNK, acceptedNonce, hasIntent, type RequestGuildMembers } from "./protocol";

export type MemberRequestAnswer =
  | { kind: "dispatches"; dispatches: MemberDispatch[] }
  /** An empty query (everyone, or the first `limit` members) without GUILD_MEMBERS: the connection is closed 4013. */
  | { kind: "missing-intent" }
  /** A guild the bot is not in: Discord sends nothing. */
  | { kind: "ignored" };

export type MemberDispatch =
  | { t: GatewayDispatchEvents.GuildMembersChunk; d: GatewayGuildMembersChunkDispatchData }
  | { t: GatewayDispatchEvents.RateLimited; d: GatewayRateLimitedRequestGuildMembersDispatchData };

export type MemberRequests = ReturnType<typeof createMemberRequests>;

/** One per application: the 30 s limit on all-member requests is per guild for the whole bot, not per session. */
export function createMemberRequests(options: { clock: Clock; directory: Directory }) {
  const { clock, directory } = options;
  const lastAllMembersAt = new Map<string, number>();

  function members(ids: readonly string[]): APIGuildMember[] {
    return ids.flatMap((id) => directory.toApiMember(id) ?? []);
  }

  function byQuery(query: string, limit: number): APIGuildMember[] {
    const prefix = query.toLowerCase();
    const cap = Math.min(limit === 0 ? MAX_QUERY_LIMIT : limit, MAX_QUERY_LIMIT);
    const matched: string[] = [];
    for (const id of directory.listMemberIds()) {
      if (matched.length >= cap) break;
      const member = directory.toApiMember(id);
      if (member?.user.username.toLowerCase().startsWith(prefix)) matched.push(id);
    }
    return members(matched);
  }

  function chunks(request: RequestGuildMembers, found: APIGuildMember[], notFound?: string[]): MemberDispatch[] {
    const nonce = acceptedNonce(request.nonce);
    const chunkCount = Math.max(1, Math.ceil(found.length / MEMBERS_PER_CHUNK));
    return Array.from({ length: chunkCount }, (_, index) => ({
      t: GatewayDispatchEvents.GuildMembersChunk,
      d: {
        guild_id: request.guild_id,
        members: found.slice(index * MEMBERS_PER_CHUNK, (index + 1) * MEMBERS_PER_CHUNK),
        chunk_index: index,
        chunk_count: chunkCount,
        ...(notFound && notFound.length > 0 && index === 0 ? { not_found: notFound } : {}),
        ...(nonce === undefined ? {} : { nonce }),
      },
    }));
  }

  function allMembers(request: RequestGuildMembers): MemberDispatch[] {
    const now = clock();
    const last = lastAllMembersAt.get(request.guild_id);
    if (last !== undefined && now - last < MEMBER_REQUEST_COOLDOWN_MS) {
      const nonce = acceptedNonce(request.nonce);
      const retryAfterSeconds = Math.round((MEMBER_REQUEST_COOLDOWN_MS - (now - last)) / 100) / 10;
      return [
        {
          t: GatewayDispatchEvents.RateLimited,
          d: { opcode: GatewayOpcodes.RequestGuildMembers, retry_after: retryAfterSeconds, meta: { guild_id: request.guild_id, ...(nonce === undefined ? {} : { nonce }) } },
        },
      ];
    }
    lastAllMembersAt.set(request.guild_id, now);
    return chunks(request, members(directory.listMemberIds()));
  }

  return {
    answer(request: RequestGuildMembers, intents: number): MemberRequestAnswer {
      if (!directory.hasGuild(request.guild_id)) return { kind: "ignored" };
      if ("user_ids" in request) {
        const ids = [...new Set(typeof request.user_ids === "string" ? [request.user_ids] : request.user_ids)];
        const known = ids.filter((id) => directory.isMember(id));
        return { kind: "dispatches", dispatches: chunks(request, members(known), ids.filter((id) => !directory.isMember(id))) };
      }
      // Discord: "GUILD_MEMBERS intent is required to request the entire member list (query='', limit=0<=n)".
      if (request.query === "" && !hasIntent(intents, GatewayIntentBits.GuildMembers)) return { kind: "missing-intent" };
      if (request.query === "" && request.limit === 0) return { kind: "dispatches", dispatches: allMembers(request) };
      return { kind: "dispatches", dispatches: chunks(request, byQuery(request.query, request.limit)) };
    },

    reset(): void {
      lastAllMembersAt.clear();
    },
  };
}
