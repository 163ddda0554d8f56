import type { APIMessage } from "discord-api-types/v10";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NONCE_WINDOW_MS } from "@/emulator/channel-store";
import { CHANNEL_IDS } from "@/emulator/fixture";
import { botAuth, listenOnContext, type ContextServer } from "./context-server";

const channelId: string = CHANNEL_IDS.transactions;
const player = "1200000000000000005";
const json = { ...botAuth, "Content-Type": "application/json" };

type ControlMessages = { channel: { id: string; name: string; send_messages: boolean }; messages: (APIMessage & { pinged_user_ids: string[] })[] };
type DiscordErrorBody = { code: number; message: string; errors?: Record<string, { _errors: { code: string; message: string }[] }> };

let server: ContextServer;

beforeAll(async () => {
  server = await listenOnContext();
});
afterAll(() => server.close());
beforeEach(async () => {
  await server.control("POST", "reset");
  // A new window for every test: buckets are reset, and the clock moves past any nonce window.
  server.clock.nowMs += NONCE_WINDOW_MS * 2;
});

function post(body: unknown, channel = channelId): Promise<Response> {
  return fetch(`${server.api}/channels/${channel}/messages`, { method: "POST", headers: json, body: typeof body === "string" ? body : JSON.stringify(body) });
}

function list(query = "", channel = channelId): Promise<Response> {
  return fetch(`${server.api}/channels/${channel}/messages${query}`, { headers: botAuth });
}

async function stored(): Promise<ControlMessages["messages"]> {
  return (await server.controlJson<ControlMessages>("GET", `channels/${channelId}/messages`)).messages;
}

async function errorOf(response: Response): Promise<DiscordErrorBody> {
  return (await response.json()) as DiscordErrorBody;
}

describe("POST /channels/{id}/messages", () => {
  it("posts as the bot and answers the message, typed as Discord's", async () => {
    const response = await post({ content: "**Lagos Lions** signed <@1200000000000000005>", allowed_mentions: { parse: [] } });
    expect(response.status).toBe(200);
    const message = (await response.json()) as APIMessage;
    expect(message).toMatchObject({ channel_id: channelId, content: "**Lagos Lions** signed <@1200000000000000005>", author: { id: "1300000000000000001", bot: true }, type: 0 });
    expect(message.mentions.map((user) => user.id)).toEqual([player]);
    const [only] = await stored();
    expect(only?.id).toBe(message.id);
    // `parse: []` mentions the player without notifying them.
    expect(only?.pinged_user_ids).toEqual([]);
  });

  it("notifies mentioned users when allowed_mentions is left out, and only the listed ones otherwise", async () => {
    await post({ content: `<@${player}> and <@1200000000000000003>` });
    await post({ content: `<@${player}> and <@1200000000000000003>`, allowed_mentions: { users: [player] } });
    expect((await stored()).map((message) => message.pinged_user_ids)).toEqual([[player, "1200000000000000003"], [player]]);
  });

  it("with enforce_nonce answers the earlier message for a repeated nonce and creates none", async () => {
    const first = (await (await post({ content: "one", nonce: "outbox-1-0", enforce_nonce: true })).json()) as APIMessage;
    const again = await post({ content: "one", nonce: "outbox-1-0", enforce_nonce: true });
    expect(again.status).toBe(200);
    expect(((await again.json()) as APIMessage).id).toBe(first.id);
    expect(await stored()).toHaveLength(1);
    expect(first.nonce).toBe("outbox-1-0");
  });

  it("creates a new message for a repeated nonce without enforce_nonce, or once the window has passed", async () => {
    await post({ content: "one", nonce: 42, enforce_nonce: true });
    await post({ content: "one", nonce: 42 });
    server.clock.nowMs += NONCE_WINDOW_MS + 1;
    await post({ content: "one", nonce: 42, enforce_nonce: true });
    expect(await stored()).toHaveLength(3);
  });

  it("answers 404 10003 for a channel that does not exist", async () => {
    const response = await post({ content: "hello" }, "1100000000000009999");
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ code: 10_003, message: "Unknown Channel" });
  });

  it("answers 403 50013 while the bot may not send there, and posts again once allowed", async () => {
    await server.controlJson("POST", `channels/${channelId}/permissions`, { send_messages: false });
    const refused = await post({ content: "hello" });
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe(50_013);
    expect(await stored()).toHaveLength(0);
    await server.controlJson("POST", `channels/${channelId}/permissions`, { send_messages: true });
    expect((await post({ content: "hello" })).status).toBe(200);
  });

  it("answers 400 50006 for an empty message", async () => {
    for (const body of [{}, { content: "" }, { content: "   \n " }, { nonce: "x" }]) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({ code: 50_006, message: "Cannot send an empty message" });
    }
  });

  it("answers 400 50035 naming the field for content over 2000 characters, a bad nonce or bad allowed_mentions", async () => {
    const cases: [unknown, string, string][] = [
      [{ content: "x".repeat(2001) }, "content", "BASE_TYPE_MAX_LENGTH"],
      [{ content: 5 }, "content", "BASE_TYPE_STRING"],
      [{ content: "hi", nonce: "n".repeat(26) }, "nonce", "BASE_TYPE_MAX_LENGTH"],
      [{ content: "hi", nonce: { id: 1 } }, "nonce", "NONCE_TYPE_INVALID"],
      [{ content: "hi", enforce_nonce: "yes" }, "enforce_nonce", "BASE_TYPE_BOOLEAN"],
      [{ content: "hi", allowed_mentions: { parse: ["nobody"] } }, "allowed_mentions", "BASE_TYPE_CHOICES"],
      [{ content: "hi", allowed_mentions: { parse: ["users"], users: [player] } }, "allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE"],
    ];
    for (const [body, field, code] of cases) {
      // Refused posts spend the bucket too: each case gets a fresh window.
      server.clock.nowMs += 5_000;
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe(50_035);
      expect(error.errors?.[field]?._errors[0]?.code, JSON.stringify(body)).toBe(code);
    }
    server.clock.nowMs += 5_000;
    expect((await post({ content: "x".repeat(2000) })).status).toBe(200);
    expect(await stored()).toHaveLength(1);
  });

  it("answers 50109 for a body that is not JSON, 50035 for one that is not an object, and 50035 for a channel id that is not a snowflake", async () => {
    expect((await errorOf(await post("{nope"))).code).toBe(50_109);
    expect((await errorOf(await post("[1]"))).code).toBe(50_035);
    const badId = await post({ content: "hi" }, "transactions");
    expect(badId.status).toBe(400);
    expect((await errorOf(badId)).errors?.channel_id?._errors[0]?.code).toBe("NUMBER_TYPE_COERCE");
  });

  it("refuses a caller without the bot token", async () => {
    const response = await fetch(`${server.api}/channels/${channelId}/messages`, { method: "POST", body: JSON.stringify({ content: "hi" }) });
    expect(response.status).toBe(401);
    expect(await stored()).toHaveLength(0);
  });

  it("limits each channel to 5 posts per 5 s with its own bucket headers, and a 429 creates nothing", async () => {
    const answers: Response[] = [];
    for (let index = 0; index < 6; index += 1) answers.push(await post({ content: `m${index}` }));
    expect(answers.slice(0, 5).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[0]?.headers.get("x-ratelimit-limit")).toBe("5");
    expect(answers[4]?.headers.get("x-ratelimit-remaining")).toBe("0");
    const limited = answers[5];
    expect(limited?.status).toBe(429);
    expect(limited?.headers.get("x-ratelimit-scope")).toBe("user");
    expect(limited?.headers.get("x-ratelimit-bucket")).toBe(answers[0]?.headers.get("x-ratelimit-bucket"));
    expect(await stored()).toHaveLength(5);
    server.clock.nowMs += 5_000;
    expect((await post({ content: "after the window" })).status).toBe(200);
  });
});

describe("GET /channels/{id}/messages", () => {
  async function postMany(count: number): Promise<APIMessage[]> {
    const posted: APIMessage[] = [];
    for (let index = 0; index < count; index += 1) {
      posted.push((await (await post({ content: `m${index}` })).json()) as APIMessage);
      server.clock.nowMs += 1_001;
    }
    return posted;
  }

  async function page(query: string): Promise<string[]> {
    const response = await list(query);
    expect(response.status).toBe(200);
    return ((await response.json()) as APIMessage[]).map((message) => message.content);
  }

  it("pages newest first by limit, before and after", async () => {
    const posted = await postMany(5);
    expect(await page("")).toEqual(["m4", "m3", "m2", "m1", "m0"]);
    expect(await page("?limit=2")).toEqual(["m4", "m3"]);
    expect(await page(`?limit=2&before=${posted[3]?.id}`)).toEqual(["m2", "m1"]);
    expect(await page(`?limit=2&after=${posted[1]?.id}`)).toEqual(["m3", "m2"]);
    expect(await page(`?after=${posted[4]?.id}`)).toEqual([]);
  });

  it("answers 50035 naming the parameter for a bad limit, before or after, and 10003 for an unknown channel", async () => {
    for (const [query, field, code] of [
      ["?limit=0", "limit", "NUMBER_TYPE_MIN"],
      ["?limit=101", "limit", "NUMBER_TYPE_MAX"],
      ["?limit=ten", "limit", "NUMBER_TYPE_COERCE"],
      ["?before=yesterday", "before", "NUMBER_TYPE_COERCE"],
      ["?after=-1", "after", "NUMBER_TYPE_COERCE"],
    ] as const) {
      server.clock.nowMs += 5_000;
      const response = await list(query);
      expect(response.status, query).toBe(400);
      expect((await errorOf(response)).errors?.[field]?._errors[0]?.code, query).toBe(code);
    }
    server.clock.nowMs += 5_000;
    expect((await errorOf(await list("?before=1&after=2"))).code).toBe(50_035);
    const unknown = await list("", "1100000000000009999");
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe(10_003);
  });

  it("keeps messages until a reset, and the control API names a bad channel", async () => {
    await postMany(1);
    await server.control("POST", "reset");
    expect(await stored()).toHaveLength(0);
    expect((await server.control("GET", "channels/1100000000000009999/messages")).status).toBe(404);
    expect((await server.control("POST", `channels/${channelId}/permissions`, { send_messages: "no" })).status).toBe(400);
  });
});
