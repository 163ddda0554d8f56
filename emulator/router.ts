import { ROUTE_CATALOG, ROUTE_KEYS, type RouteKey } from "./route-catalog";

export type RouteMatch =
  | { kind: "route"; key: RouteKey; params: Record<string, string>; prefix: string }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "not-found" };

/** Discord serves the unversioned `/api` as the default version; both reach the same routes here. */
const API_PREFIX = /^\/api(?:\/v10)?(?=\/)/;

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const expected = template.split("/");
  const actual = path.split("/");
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of expected.entries()) {
    const value = actual[index] ?? "";
    if (part.startsWith(":")) {
      const decoded = safeDecode(value);
      if (!decoded) return undefined;
      params[part.slice(1)] = decoded;
    } else if (part !== value) {
      return undefined;
    }
  }
  return params;
}

/** A malformed escape (`%zz`) makes the path match nothing, so the caller gets a plain 404. */
function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment) || undefined;
  } catch {
    return undefined;
  }
}

/** Finds the catalog route for a request; `prefix` is the API prefix the caller used, for links back. */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const prefix = API_PREFIX.exec(pathname)?.[0] ?? "";
  const path = pathname.slice(prefix.length).replace(/(?<=.)\/$/, "");
  const allowed: string[] = [];
  for (const key of ROUTE_KEYS) {
    const route = ROUTE_CATALOG[key];
    if (prefix === "" && !route.website) continue;
    const params = matchTemplate(route.template, path);
    if (!params) continue;
    if (route.method === method) return { kind: "route", key, params, prefix };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: "method-not-allowed", allowed } : { kind: "not-found" };
}
