/**
 * The REST side of the Gateway: `GET /gateway` (anyone, as on Discord) and `GET /gateway/bot`
 * (bot token), which tell a client where to connect and how many sessions it may still start.
 */
import type { RESTGetAPIGatewayBotResult, RESTGetAPIGatewayResult } from "discord-api-types/v10";
import { anyone, requireBot } from "../auth";
import { defineRoute, type EmulatorContext, type RouteHandler, type RouteRequest } from "../context";
import { jsonResponse, notFound } from "../http";
import { gatewayCoreOf } from "./core";
import { gatewayUrl } from "./protocol";

function urlFor(context: EmulatorContext, request: RouteRequest): string {
  return gatewayUrl(request.headers.host, `${context.config.host}:${context.config.port}`);
}

export function createGatewayRoutes(context: EmulatorContext) {
  const credentials = { botToken: context.config.botToken, tokens: context.tokens };
  return {
    "GET /gateway": defineRoute(
      () => anyone(),
      (request) => jsonResponse(200, { url: urlFor(context, request) } satisfies RESTGetAPIGatewayResult),
    ),
    "GET /gateway/bot": defineRoute(
      (request) => requireBot(request.headers.authorization, credentials),
      (request) => {
        // A context made without a server has no Gateway to report on.
        const core = gatewayCoreOf(context);
        if (!core) return notFound();
        const body: RESTGetAPIGatewayBotResult = { url: urlFor(context, request), shards: 1, session_start_limit: core.budget.snapshot() };
        return jsonResponse(200, body);
      },
    ),
  } satisfies Record<string, RouteHandler>;
}
