import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ActionStatus } from "@/components/teams/action-status";
import { ScrollBox } from "@/components/ui/scroll-box";
import { Skeleton } from "@/components/ui/skeleton";
import { useScriptsRunning } from "@/components/ui/use-scripts-running";

describe("the skeleton", () => {
  it("is a busy status that says what is loading, its bars hidden from screen readers", () => {
    const html = renderToStaticMarkup(createElement(Skeleton, { label: "Loading teams…", lines: 2 }));
    expect(html).toMatch(/^<div role="status" aria-busy="true"[^>]*data-skeleton="true"[^>]*>/);
    expect(html).toContain('<span class="sr-only">Loading teams…</span>');
    expect(html.match(/aria-hidden="true"/g)).toHaveLength(2);
    expect(html).toContain("animate-pulse");
  });
});

describe("an action's status", () => {
  const result = { ok: true as const, applied: true, teamId: "1300000000000000001", message: "Request sent to Lagos Lions." };

  it("says it is working while the action runs, in a polite live region", () => {
    const html = renderToStaticMarkup(createElement(ActionStatus, { pending: true, error: null, result: undefined }));
    expect(html).toMatch(/^<p role="status"[^>]*>Working on it…<\/p>$/);
  });

  it("then gives the server's sentence", () => {
    const html = renderToStaticMarkup(createElement(ActionStatus, { pending: false, error: null, result }));
    expect(html).toMatch(/^<p role="status"[^>]*>Request sent to Lagos Lions\.<\/p>$/);
  });

  it("or what went wrong, as an alert, until the next try starts", () => {
    const error = new Error("The roster is full.");
    expect(renderToStaticMarkup(createElement(ActionStatus, { error, result: undefined }))).toMatch(/^<p role="alert"[^>]*>The roster is full\.<\/p>$/);
    expect(renderToStaticMarkup(createElement(ActionStatus, { pending: true, error, result: undefined }))).toContain("Working on it…");
  });
});

describe("an action's status after a press made without scripts", () => {
  const result = { ok: true as const, applied: true, teamId: null, message: "Request withdrawn." };

  it("says the server's refusal as an alert, until the scripts run an action of their own", () => {
    const refusal = "You already asked 3 teams.";
    expect(renderToStaticMarkup(createElement(ActionStatus, { error: null, result: undefined, refusal }))).toMatch(/^<p role="alert"[^>]*>You already asked 3 teams\.<\/p>$/);
    expect(renderToStaticMarkup(createElement(ActionStatus, { pending: true, error: null, result: undefined, refusal }))).toContain("Working on it…");
    expect(renderToStaticMarkup(createElement(ActionStatus, { error: null, result, refusal }))).toMatch(/^<p role="status"[^>]*>Request withdrawn\.<\/p>$/);
  });
});

describe("a control that needs scripts only to submit itself", () => {
  it("is told in the server's HTML that no scripts run, so it renders its own submit button there", () => {
    function Probe() {
      return createElement("p", null, useScriptsRunning() ? "scripts" : "no scripts");
    }
    expect(renderToStaticMarkup(createElement(Probe))).toBe("<p>no scripts</p>");
  });
});

describe("the scroll box", () => {
  it("is a named region a keyboard can focus and scroll", () => {
    const html = renderToStaticMarkup(createElement(ScrollBox, { label: "Roster, scrolls sideways", className: "mt-3" }, createElement("table")));
    expect(html).toBe('<div role="region" aria-label="Roster, scrolls sideways" tabindex="0" class="overflow-x-auto mt-3"><table></table></div>');
  });
});
