"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { getQueryClient } from "./query-client";

/** Client-side context for the whole app; mount once in the root layout. */
export function Providers({ children }: { children: ReactNode }) {
  // Not useState: with no Suspense boundary above, React would drop the
  // state of a suspended first render; the module singleton survives it.
  const queryClient = getQueryClient();
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
