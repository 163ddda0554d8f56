import { describe, expect, it } from "vitest";
import { RateLimitedError } from "@/lib/discord/rest";
import { ResourceOrder } from "@/lib/discord/rest/resource-order";
import { parseRoute } from "@/lib/discord/rest/route";

const bot = { kind: "bot", digest: "d" } as const;
const give = parseRoute("PUT", "/guilds/1/members/2/roles/3");
const take = parseRoute("DELETE", "/guilds/1/members/2/roles/3");
const read = parseRoute("GET", "/guilds/1/members/2");
const far = () => Date.now() + 10_000;

describe("ResourceOrder", () => {
  it("lets a write start only after the earlier writes to the same path finished, whatever their method", async () => {
    const order = new ResourceOrder();
    const steps: string[] = [];
    const first = await order.enter(bot, give, far());
    const second = order.enter(bot, take, far()).then((done) => {
      steps.push("take started");
      done();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    steps.push("give finished");
    first();
    await second;
    expect(steps).toEqual(["give finished", "take started"]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order.size).toBe(0);
  });

  it("does not hold reads, nor writes of another token", async () => {
    const order = new ResourceOrder();
    const held = await order.enter(bot, give, far());
    await expect(order.enter(bot, read, far())).resolves.toBeTypeOf("function");
    await expect(order.enter({ kind: "bot", digest: "other" }, take, far())).resolves.toBeTypeOf("function");
    held();
  });

  it("gives up at the deadline, and the write behind it still waits for the first", async () => {
    const order = new ResourceOrder();
    const first = await order.enter(bot, give, far());
    await expect(order.enter(bot, take, Date.now() + 10)).rejects.toBeInstanceOf(RateLimitedError);
    let thirdStarted = false;
    const third = order.enter(bot, give, far()).then((done) => {
      thirdStarted = true;
      done();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(thirdStarted).toBe(false);
    first();
    await third;
    expect(thirdStarted).toBe(true);
  });

  it("lets an aborted caller out of the line", async () => {
    const order = new ResourceOrder();
    const first = await order.enter(bot, give, far());
    const controller = new AbortController();
    const waiting = order.enter(bot, take, far(), controller.signal);
    controller.abort(new Error("caller went away"));
    await expect(waiting).rejects.toThrow("caller went away");
    first();
  });
});
