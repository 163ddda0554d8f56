"use client";

import { createContext, useContext, type ReactNode } from "react";
import { formReturnField, type FormReturnPage } from "@/lib/api/form-state";

const FormReturnContext = createContext<FormReturnPage>("/");

/**
 * The page a button posted without scripts comes back to after it acted.
 * The dashboard is the default; the admin area wraps its rosters in this,
 * so an admin's press there ends in the admin area, not on the dashboard.
 */
export function FormReturnScope({ page, children }: { page: FormReturnPage; children: ReactNode }) {
  return <FormReturnContext.Provider value={page}>{children}</FormReturnContext.Provider>;
}

/** The hidden field naming the page to come back to; nothing for the dashboard, the server's default. */
export function FormReturnField() {
  const page = useContext(FormReturnContext);
  return page === "/" ? null : <input type="hidden" name={formReturnField} value={page} />;
}
