import { describe, expect, it } from "vitest";
import { poolQuerySchema } from "@/lib/pool/answer";
import { decodePoolEntry, encodePoolEntry, type PoolEntry } from "@/lib/pool/entry";
import { selectPage } from "@/lib/pool/select-page";

const entry: PoolEntry = { userId: "1200000000000000007", gamerTag: "Ace_10", platform: "pc", position: "MID", country: "NG", name: "Ade", since: 1_700_000_000_000 };

describe("pool entries", () => {
  it("round-trip", () => {
    expect(decodePoolEntry(encodePoolEntry(entry))).toEqual(entry);
  });

  it("strip control characters from names, so no name can forge a field", () => {
    const encoded = encodePoolEntry({ ...entry, name: "Evil\u001fxbox\u001fGK\u0000" });
    expect(decodePoolEntry(encoded)).toEqual({ ...entry, name: "EvilxboxGK" });
  });

  it("refuse what does not read as an entry", () => {
    for (const raw of ["", "Ace_10", encodePoolEntry(entry).replace("pc", "switch"), encodePoolEntry(entry).replace("NG", "XX"), `${encodePoolEntry(entry)}\u001fextra`, encodePoolEntry({ ...entry, since: Number.NaN }), encodePoolEntry({ ...entry, userId: "" })]) {
      expect(decodePoolEntry(raw)).toBeNull();
    }
  });
});

function row(userId: string, gamerTag: string, overrides: Partial<PoolEntry> = {}): PoolEntry {
  return { ...entry, userId, gamerTag, ...overrides };
}

describe("selectPage", () => {
  const rows = [row("3", "charlie"), row("1", "Alpha", { platform: "xbox" }), row("2", "bravo", { name: "Zoe" }), row("4", "alpha", { country: "GH" })];

  it("sorts by gamer tag without case, then by id, and pages", () => {
    expect(selectPage(rows, { pageSize: 3 }).entries.map((entry) => entry.userId)).toEqual(["1", "4", "2"]);
    expect(selectPage(rows, { pageSize: 3, page: 2 })).toMatchObject({ entries: [{ userId: "3" }], total: 4, page: 2, pageSize: 3 });
  });

  it("combines filters and searches gamer tag and name", () => {
    expect(selectPage(rows, { platform: "pc", country: "NG" }).entries.map((entry) => entry.userId)).toEqual(["2", "3"]);
    expect(selectPage(rows, { q: "zo" }).entries.map((entry) => entry.userId)).toEqual(["2"]);
    expect(selectPage(rows, { q: "ALPH" }).total).toBe(2);
  });
});

describe("the pool's query schema", () => {
  it("takes strings from a query string and treats empty ones as absent", () => {
    expect(poolQuerySchema.parse({ page: "2", pageSize: "10", platform: "", q: " ace " })).toEqual({ page: 2, pageSize: 10, q: "ace" });
  });

  it("names the parameter it refuses", () => {
    const result = poolQuerySchema.safeParse({ pageSize: "500" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["pageSize"]);
  });
});
