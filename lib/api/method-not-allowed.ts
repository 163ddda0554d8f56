import "server-only";
import { ApiError, errorResponse } from "./errors";

const routeMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type RouteMethod = (typeof routeMethods)[number];

/**
 * Handlers for the methods a route does not serve. Next.js answers those
 * with an empty 405; ours is the API's error shape, a sentence and the
 * `Allow` header, like every other refusal. A route spreads the ones it
 * lacks: `export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"])`.
 */
export function otherMethods(served: readonly RouteMethod[]): Record<RouteMethod, () => Response> {
  const allow = served.join(", ");
  const refuse = (): Response => {
    const response = errorResponse(new ApiError("method_not_allowed", `This address does not take that method; it takes ${allow}.`));
    response.headers.set("Allow", allow);
    return response;
  };
  return Object.fromEntries(routeMethods.map((method) => [method, refuse])) as Record<RouteMethod, () => Response>;
}
