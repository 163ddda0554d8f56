import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SignOutButton } from "@/components/dashboard/sign-out-button";
import { LoginCard } from "@/components/login-card";

function attributes(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)].slice(1).map(([, name, value]) => [name ?? "", value ?? ""]));
}

/**
 * The forms in the HTML the server sends (what works before any script has
 * loaded, and with none), read from React's static markup, which writes
 * every attribute as name="value" (a boolean one as name="").
 */
function formsIn(html: string) {
  return [...html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)].map(([form, inner = ""]) => {
    const { method, action } = attributes(form.slice(0, form.indexOf(">") + 1));
    const inputs = [...inner.matchAll(/<input\b[^>]*>/g)].map(([tag]) => attributes(tag));
    const buttons = [...inner.matchAll(/(<button\b[^>]*>)([\s\S]*?)<\/button>/g)].map(([, tag = "", text]) => {
      const button = attributes(tag);
      return { type: button.type, disabled: "disabled" in button, text };
    });
    return { method, action, fields: Object.fromEntries(inputs.map((input) => [input.name, { type: input.type, value: input.value }])), buttons };
  });
}

const token = "a".repeat(64);

describe("the login card", () => {
  it("is a form posting to next-auth's Discord sign-in with the server's CSRF token, its button a ready submit button", () => {
    expect(formsIn(renderToStaticMarkup(createElement(LoginCard, { csrfToken: token })))).toEqual([
      {
        method: "post",
        action: "/api/auth/signin/discord",
        fields: { csrfToken: { type: "hidden", value: token }, callbackUrl: { type: "hidden", value: "/" } },
        buttons: [{ type: "submit", disabled: false, text: "Log in with Discord" }],
      },
    ]);
  });

  it("shows the page's sentence for a failed login beside the form", () => {
    const html = renderToStaticMarkup(createElement(LoginCard, { csrfToken: token, error: "The login was cancelled. Please try again." }));
    expect(html).toContain('role="alert"');
    expect(html).toContain("The login was cancelled. Please try again.");
    expect(formsIn(html)).toHaveLength(1);
  });
});

describe("sign out", () => {
  it("is a form posting to next-auth's sign-out with the server's CSRF token, going home afterwards", () => {
    expect(formsIn(renderToStaticMarkup(createElement(SignOutButton, { csrfToken: token })))).toEqual([
      {
        method: "post",
        action: "/api/auth/signout",
        fields: { csrfToken: { type: "hidden", value: token }, callbackUrl: { type: "hidden", value: "/" } },
        buttons: [{ type: "submit", disabled: false, text: "Sign out" }],
      },
    ]);
  });
});
