import { QueryClient, environmentManager, focusManager } from "@tanstack/react-query";
import { HttpError } from "./http-error";

const maxQueryRetries = 3;

/**
 * No retry when the login is gone (a 401 will not heal by asking again) or
 * when the server named its own wait: that query schedules its retry itself.
 * Anything else (network blips, a 500) gets TanStack's usual three tries.
 */
export function shouldRetryQuery(failureCount: number, error: unknown): boolean {
  if (error instanceof HttpError && (error.status === 401 || error.retryAfterSeconds !== null)) return false;
  return failureCount < maxQueryRetries;
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { refetchOnWindowFocus: true, retry: shouldRetryQuery },
    },
  });
}

/**
 * TanStack v5 only listens for `visibilitychange`, which never fires when
 * someone clicks back from the Discord app to a browser window that stayed
 * visible beside it: exactly when they expect new roles to show. Window
 * `focus` covers that; the roles pacing keeps the extra events off the network.
 */
function listenForWindowFocus(): void {
  focusManager.setEventListener((handleFocus) => {
    const onFocus = () => handleFocus();
    window.addEventListener("visibilitychange", onFocus);
    window.addEventListener("focus", onFocus);
    return () => {
      window.removeEventListener("visibilitychange", onFocus);
      window.removeEventListener("focus", onFocus);
    };
  });
}

let browserQueryClient: QueryClient | undefined;

/**
 * TanStack's App Router setup: a fresh client per server request, so no
 * user's data leaks into another's render, and one client for the life of
 * the browser tab, so a suspended first render does not throw the cache away.
 */
export function getQueryClient(): QueryClient {
  if (environmentManager.isServer()) return makeQueryClient();
  if (!browserQueryClient) {
    browserQueryClient = makeQueryClient();
    listenForWindowFocus();
  }
  return browserQueryClient;
}
