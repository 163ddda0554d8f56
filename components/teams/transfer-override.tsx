"use client";

import { createContext, useContext, useId, useState, type ReactNode } from "react";
import { reasonMaxLength } from "@/lib/tournament/input";
import { inputClass } from "../ui/field";
import type { TeamAction, TransferOverride } from "./teams-client";

const OverrideContext = createContext<{ reason: string; setReason: (reason: string) => void } | null>(null);

/**
 * Where a tournament admin gives a reason to approve or remove players
 * while the transfer window is closed, a roster locked or a team's changes
 * spent: every approval and removal inside carries it, and the audit log
 * records it. Empty: the rules apply as to anyone.
 */
export function TransferOverrideScope({ children }: { children: ReactNode }) {
  const [reason, setReason] = useState("");
  return <OverrideContext.Provider value={{ reason, setReason }}>{children}</OverrideContext.Provider>;
}

export function TransferOverrideField() {
  const id = useId();
  const scope = useContext(OverrideContext);
  if (!scope) return null;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-medium text-slate-900">
        Override reason (optional)
      </label>
      <input id={id} value={scope.reason} maxLength={reasonMaxLength} onChange={(event) => scope.setReason(event.target.value)} className={inputClass} placeholder="Injury replacement" />
      <p className="text-sm text-slate-600">With a reason, approvals and removals below go through a closed window, a locked roster or a spent change limit; the audit log records the reason.</p>
    </div>
  );
}

/** The action as sent: approvals and removals carry the scope's override, when it has a reason. */
export function useWithTransferOverride(): (action: TeamAction) => TeamAction {
  const scope = useContext(OverrideContext);
  const reason = scope?.reason.trim() ?? "";
  return (action) => {
    if (reason === "" || (action.kind !== "approve" && action.kind !== "remove")) return action;
    const override: TransferOverride = { reason };
    return { ...action, override };
  };
}
