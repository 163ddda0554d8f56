import "server-only";
import { otherMethods } from "./method-not-allowed";

const routeMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type RouteMethod = (typeof routeMethods)[number];
type RouteHandler = (request: Request) => Response | Promise<Response>;
type Refusal = () => Response;

/**
 * A route's handlers, and the API's JSON 405 for every method it does not
 * serve, its `Allow` list read from the handlers given, so no route keeps
 * that list by hand and a handler added is a method allowed:
 * `export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({ GET: ..., POST: ... })`.
 */
export function serveMethods<Handlers extends Partial<Record<RouteMethod, RouteHandler>>>(
  handlers: Handlers,
): Handlers & Record<Exclude<RouteMethod, keyof Handlers>, Refusal> {
  const served = routeMethods.filter((method) => handlers[method] !== undefined);
  return { ...otherMethods(served), ...handlers } as Handlers & Record<Exclude<RouteMethod, keyof Handlers>, Refusal>;
}
