import { describe, expect, it } from "vitest";
import { formFields } from "@/lib/api/form-action";
import { formSummaryOf } from "@/lib/api/form-state";

describe("formFields", () => {
  it("takes the form's own fields as text and nothing else", () => {
    const data = new FormData();
    data.set("$ACTION_KEY", "k1");
    data.set("$ACTION_REF_1", "");
    data.set("name", "Lagos Lions");
    data.set("tag", "ll");
    data.set("managerId", "1200000000000000006");
    expect(formFields(data, ["name", "tag"])).toEqual({ name: "Lagos Lions", tag: "ll" });
  });

  it("reads a missing field, or a file where text belongs, as empty", () => {
    const data = new FormData();
    data.set("name", new Blob(["Lagos Lions"]), "name.txt");
    expect(formFields(data, ["name", "tag"])).toEqual({ name: "", tag: "" });
  });

  it("keeps the first of repeated fields, as the JSON API keeps one value per field", () => {
    const data = new FormData();
    data.append("tag", "LL");
    data.append("tag", "XX");
    expect(formFields(data, ["tag"])).toEqual({ tag: "LL" });
  });
});

describe("formSummaryOf", () => {
  it("leaves a message a field already shows to that field", () => {
    expect(formSummaryOf({ fieldErrors: { gamerTag: "Enter your gamer tag." }, message: "Enter your gamer tag." })).toBeNull();
  });

  it("shows a refusal no field shows above the form", () => {
    expect(formSummaryOf({ fieldErrors: {}, message: "Too many requests. Please wait 12 s." })).toBe("Too many requests. Please wait 12 s.");
    expect(formSummaryOf({ fieldErrors: { name: "Team name must be at least 3 characters." }, message: "That tag is taken." })).toBe("That tag is taken.");
  });

  it("shows nothing before any submission", () => {
    expect(formSummaryOf({ fieldErrors: {}, message: null })).toBeNull();
  });
});
