/**
 * The invite link the app shows to users who are not in the server. The emulator has no login of
 * its own, so the page asks which persona is joining; joining makes them a member with no roles.
 */
import { anyone } from "./auth";
import { defineRoute, type EmulatorContext, type RouteHandler, type RouteRequest } from "./context";
import { INVITE_CODE } from "./fixture";
import { escapeHtml, htmlResponse, type EmulatorResponse } from "./http";

function invitePage(status: number, body: string): EmulatorResponse {
  return htmlResponse(status, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Invite - Discord emulator</title></head><body>${body}</body></html>`);
}

function invalidInvite(): EmulatorResponse {
  return invitePage(404, "<h1>Invite Invalid</h1><p>This invite may be expired, or you might not have permission to join.</p>");
}

function showInvite(context: EmulatorContext, request: RouteRequest): EmulatorResponse {
  if (request.params.code !== INVITE_CODE) return invalidInvite();
  const { directory } = context;
  const action = escapeHtml(`${request.prefix}/invite/${INVITE_CODE}`);
  const outsiders = directory
    .listUsers()
    .filter((user) => !user.synthetic && !directory.isMember(user.id))
    .map((user) => `<li><form method="post" action="${action}"><button type="submit" name="user_id" value="${user.id}">${escapeHtml(user.username)}</button></form></li>`)
    .join("");
  const list = outsiders === "" ? "<p>Every persona is already a member.</p>" : `<p>Accept the invite as:</p><ul>${outsiders}</ul>`;
  return invitePage(200, `<h1>You've been invited to join ${escapeHtml(directory.guildName)}</h1>${list}`);
}

function acceptInvite(context: EmulatorContext, request: RouteRequest): EmulatorResponse {
  if (request.params.code !== INVITE_CODE) return invalidInvite();
  const user = context.directory.findUser(new URLSearchParams(request.body).get("user_id") ?? "");
  if (!user) return invitePage(400, "<h1>Unknown user</h1><p>Pick one of the listed personas.</p>");
  context.directory.addMember(user.id);
  return invitePage(200, `<h1>${escapeHtml(user.username)} joined ${escapeHtml(context.directory.guildName)}</h1><p>Go back to the app and refresh.</p>`);
}

export function createInviteRoutes(context: EmulatorContext) {
  return {
    "GET /invite/:code": defineRoute(anyone, (request) => showInvite(context, request)),
    "POST /invite/:code": defineRoute(anyone, (request) => acceptInvite(context, request)),
  } satisfies Record<string, RouteHandler>;
}
