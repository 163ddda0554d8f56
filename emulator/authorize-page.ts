import { OAuth2Scopes } from "discord-api-types/v10";
import { escapeHtml } from "./http";

/**
 * The authorize page, drawn after Discord's own consent screen: the
 * application's name and avatar, what it asks for in words, the personas to
 * sign in as (avatar and roles), and Cancel. Each persona is a submit button
 * whose accessible name is exactly the username, so tests (and people) pick
 * one by name; choosing one authorizes as that user. Plain HTML and CSS, no
 * script: it works the moment it arrives.
 */

/** The one application this emulator knows (its client id is in the config). */
export const APPLICATION_NAME = "SAFA Dashboard";

/** What each scope lets the application do, in the words Discord's consent screen uses. */
export const SCOPE_WORDS: Readonly<Record<string, string>> = {
  [OAuth2Scopes.Identify]: "Access your username, avatar, and banner",
  [OAuth2Scopes.Email]: "Access your email address",
  [OAuth2Scopes.Guilds]: "Know what servers you're in",
  [OAuth2Scopes.GuildsMembersRead]: "Read your member info (nickname, avatar, roles) in servers you're in",
};

export type PersonaChoice = { id: string; username: string; avatar: string | null; roles: string[] | undefined };

export type AuthorizePageInput = {
  /** Where the forms post (the path the page was asked under). */
  action: string;
  /** The request's own fields, carried through each form unchanged. */
  hiddenFields: readonly (readonly [string, string])[];
  scopes: readonly string[];
  redirectUri: string;
  personas: readonly PersonaChoice[];
};

/**
 * Discord's CDN path for a user's avatar, or for the default avatar a user
 * without one gets (index from the id, as Discord does for users without a
 * discriminator). Served by this emulator too (cdn.ts).
 */
export function avatarPath(user: { id: string; avatar: string | null }): string {
  if (user.avatar !== null) return `/avatars/${user.id}/${user.avatar}.png?size=64`;
  return `/embed/avatars/${Number((BigInt(user.id) >> 22n) % 6n)}.png`;
}

function hidden(fields: AuthorizePageInput["hiddenFields"]): string {
  return fields.map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`).join("");
}

function rolesLine(roles: string[] | undefined): string {
  if (roles === undefined) return "Not in the server";
  return roles.length === 0 ? "Member, no roles" : `Roles: ${roles.join(", ")}`;
}

function personaItem(persona: PersonaChoice, input: AuthorizePageInput, fields: string): string {
  const describedBy = `persona-${persona.id}-roles`;
  return [
    `<li class="persona"><form method="post" action="${escapeHtml(input.action)}">${fields}`,
    `<button type="submit" name="user_id" value="${persona.id}" aria-describedby="${describedBy}">`,
    `<img class="avatar" src="${escapeHtml(avatarPath(persona))}" alt="" width="40" height="40">`,
    `<span class="persona-name">${escapeHtml(persona.username)}</span></button>`,
    `<span class="persona-roles" id="${describedBy}">${escapeHtml(rolesLine(persona.roles))}</span>`,
    `</form></li>`,
  ].join("");
}

const check = `<svg class="check" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="11"/><path d="M7 12.5l3.2 3.2L17 9"/></svg>`;

export function authorizePageBody(input: AuthorizePageInput): string {
  const fields = hidden(input.hiddenFields);
  const scopes = input.scopes.map((scope) => `<li>${check}<span>${escapeHtml(SCOPE_WORDS[scope] ?? scope)}</span></li>`).join("");
  const personas = input.personas.map((persona) => personaItem(persona, input, fields)).join("");
  const destination = URL.canParse(input.redirectUri) ? new URL(input.redirectUri).origin : input.redirectUri;
  return `<main class="card">
<div class="app-avatar" aria-hidden="true">SD</div>
<p class="eyebrow">An external application</p>
<h1>${escapeHtml(APPLICATION_NAME)}</h1>
<p class="lead">wants to access your Discord account</p>
<section aria-labelledby="scopes-heading">
<h2 id="scopes-heading">This will allow the developer of ${escapeHtml(APPLICATION_NAME)} to:</h2>
<ul class="scopes">${scopes}</ul>
</section>
<section aria-labelledby="personas-heading">
<h2 id="personas-heading">Authorize as</h2>
<p class="hint">This is the Discord emulator: choose who you are, and the application is authorized for that account at once.</p>
<ul class="personas">${personas}</ul>
</section>
<p class="fine-print">Once you authorize, you will be redirected outside of Discord to: <strong>${escapeHtml(destination)}</strong></p>
<form method="post" action="${escapeHtml(input.action)}" class="actions">${fields}<button type="submit" name="decision" value="deny" class="cancel">Cancel</button></form>
</main>`;
}

export function errorPageBody(title: string, detail: string): string {
  return `<main class="card"><h1>${escapeHtml(title)}</h1><p class="lead">${escapeHtml(detail)}</p></main>`;
}

/**
 * Discord's dark theme colours; every text colour reads at 4.5:1 or better on
 * the card behind it, and targets are 44 px high. The page has no CSP of its
 * own (Discord's is none of the app's business), so the style is inline.
 */
const style = `
:root { color-scheme: dark; font-family: "gg sans", "Noto Sans", "Helvetica Neue", Helvetica, Arial, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center; padding: 16px; background: #1e1f22; color: #f2f3f5; }
.card { width: 100%; max-width: 480px; background: #313338; border-radius: 8px; padding: 32px 24px 24px; box-shadow: 0 8px 24px rgb(0 0 0 / 0.4); }
.app-avatar { width: 80px; height: 80px; margin: 0 auto 16px; border-radius: 50%; background: #0b6e4f; color: #fff; display: flex; align-items: center; justify-content: center; font-size: 28px; font-weight: 700; }
.eyebrow { margin: 0; text-align: center; color: #b5bac1; font-size: 14px; }
h1 { margin: 4px 0 0; text-align: center; font-size: 24px; line-height: 1.25; overflow-wrap: anywhere; }
.lead { margin: 4px 0 0; text-align: center; color: #dbdee1; }
section { margin-top: 24px; border-top: 1px solid #3f4147; padding-top: 16px; }
h2 { margin: 0 0 12px; font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.02em; color: #b5bac1; }
ul { list-style: none; margin: 0; padding: 0; }
.scopes li { display: flex; gap: 12px; align-items: flex-start; padding: 6px 0; color: #dbdee1; }
.check { flex: none; width: 24px; height: 24px; }
.check circle { fill: #23a55a; }
.check path { fill: none; stroke: #fff; stroke-width: 2.4; stroke-linecap: round; stroke-linejoin: round; }
.hint { margin: 0 0 12px; color: #b5bac1; font-size: 14px; }
.personas { display: flex; flex-direction: column; gap: 8px; }
.persona form { position: relative; display: flex; flex-direction: column; gap: 2px; padding: 8px 12px; border-radius: 8px; background: #2b2d31; border: 1px solid #3f4147; }
.persona form:hover { background: #393c41; }
.persona button { display: flex; align-items: center; gap: 12px; min-height: 44px; padding: 0; border: 0; background: none; color: #f2f3f5; font: inherit; font-weight: 600; text-align: left; cursor: pointer; }
.persona button::after { content: ""; position: absolute; inset: 0; border-radius: 8px; }
.persona button:focus-visible { outline: none; }
.persona button:focus-visible::after { outline: 3px solid #00a8fc; outline-offset: 2px; }
.avatar { width: 40px; height: 40px; border-radius: 50%; background: #1e1f22; flex: none; }
.persona-name { overflow-wrap: anywhere; }
.persona-roles { padding-left: 52px; color: #b5bac1; font-size: 14px; overflow-wrap: anywhere; }
.fine-print { margin: 24px 0 0; color: #b5bac1; font-size: 12px; overflow-wrap: anywhere; }
.fine-print strong { color: #dbdee1; font-weight: 600; }
.actions { display: flex; justify-content: flex-end; margin-top: 16px; padding-top: 16px; border-top: 1px solid #3f4147; }
.cancel { min-height: 44px; min-width: 96px; padding: 8px 16px; border: 0; border-radius: 4px; background: #4e5058; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
.cancel:hover { background: #6d6f78; }
.cancel:focus-visible { outline: 3px solid #00a8fc; outline-offset: 2px; }
`;

export function authorizeDocument(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${style}</style></head><body>${body}</body></html>`;
}
