import { describe, expect, it } from "vitest";
import { PathLanes } from "@/lib/discord/proxy/path-lanes";

const expired = () => new Error("expired");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("PathLanes", () => {
  it("runs tasks on one path one after another, in the order they came, and other paths beside them", async () => {
    const lanes = new PathLanes();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
      return name;
    };
    const options = { signal: new AbortController().signal, deadlineAt: Date.now() + 5_000, expired };
    const results = await Promise.all([lanes.run("a", task("add", 30), options), lanes.run("a", task("remove", 1), options), lanes.run("b", task("other", 1), options)]);
    expect(results).toEqual(["add", "remove", "other"]);
    expect(log.indexOf("start remove")).toBeGreaterThan(log.indexOf("end add"));
    expect(log.indexOf("start other")).toBeLessThan(log.indexOf("end add"));
    expect(lanes.size).toBe(0);
  });

  it("a waiter that hangs up or runs out of time leaves without letting the next one overtake", async () => {
    const lanes = new PathLanes();
    const log: string[] = [];
    const hangUp = new AbortController();
    const long = { signal: new AbortController().signal, deadlineAt: Date.now() + 5_000, expired };
    const first = lanes.run("a", async () => {
      await sleep(60);
      log.push("first");
    }, long);
    const gone = lanes.run("a", async () => log.push("gone"), { signal: hangUp.signal, deadlineAt: Date.now() + 5_000, expired });
    const late = lanes.run("a", async () => log.push("late"), { signal: new AbortController().signal, deadlineAt: Date.now() + 10, expired });
    const third = lanes.run("a", async () => log.push("third"), long);
    hangUp.abort(new Error("hung up"));
    await expect(gone).rejects.toThrow("hung up");
    await expect(late).rejects.toThrow("expired");
    expect(log).toEqual([]);
    await Promise.all([first, third]);
    expect(log).toEqual(["first", "third"]);
  });
});
