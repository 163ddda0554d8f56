/**
 * The REST side of the Gateway: `GET /gateway` and `GET /gateway/bot`, which tell a
 * client where to connect and how many sessions it may still start.
 * (Filled in with the Gateway itself; see gateway/ for the socket server.)
 */
import { requireBot } from "../auth";
import { defineRoute, type EmulatorContext, type RouteHandler } from "../context";
import { discordError } from "../http";

export function createGatewayRoutes(context: EmulatorContext) {
  const credentials = { botToken: context.config.botToken, tokens: context.tokens };
  const notYet = () => discordError(404, 0, "404: Not Found");
  return {
    "GET /gateway": defineRoute(
      (request) => requireBot(request.headers.authorization, credentials),
      () => notYet(),
    ),
    "GET /gateway/bot": defineRoute(
      (request) => requireBot(request.headers.authorization, credentials),
      () => notYet(),
    ),
  } satisfies Record<string, RouteHandler>;
}
