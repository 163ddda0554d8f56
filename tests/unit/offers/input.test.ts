import { describe, expect, it } from "vitest";
import { offerAnswerSchema, offersQuerySchema, offerTargetSchema } from "@/lib/offers/input";

describe("offer inputs", () => {
  it("take Discord ids only", () => {
    expect(offerTargetSchema.safeParse({ teamId: "1100000000000000201", userId: "1200000000000000007" }).success).toBe(true);
    for (const body of [{ teamId: "1100000000000000201" }, { teamId: "12", userId: "1200000000000000007" }, { teamId: 1100000000000000201, userId: "1200000000000000007" }]) {
      expect(offerTargetSchema.safeParse(body).success).toBe(false);
    }
    expect(offerAnswerSchema.safeParse({ teamId: "x".repeat(18) }).success).toBe(false);
  });

  it("read an empty team id in the query as the caller's own offers", () => {
    expect(offersQuerySchema.parse({ teamId: "" })).toEqual({});
    expect(offersQuerySchema.safeParse({ teamId: "abc" }).success).toBe(false);
  });
});
