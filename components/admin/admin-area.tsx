import Link from "next/link";
import type { AdminHealth, AuditRow } from "@/lib/admin/answer";
import type { TeamDetail, TeamRoleOption } from "@/lib/teams/answer";
import { FormOutcomeNotice } from "../ui/form-outcome-notice";
import { FormReturnScope } from "../ui/form-return";
import { cardClass, headerLinkClass, headingClass, sectionHeadingClass } from "../ui/styles";
import { AdminTeams } from "./admin-teams";
import { AuditLog } from "./audit-log";
import { HealthPanel } from "./health-panel";
import { TeamRoles } from "./team-roles";
import { TransferOverrideField, TransferOverrideScope } from "../teams/transfer-override";
import { TransferAdmin } from "./transfer-admin";

export type AdminAreaProps = {
  userName: string;
  teams: TeamDetail[];
  teamRoles: TeamRoleOption[];
  audit: AuditRow[];
  health: AdminHealth;
  /** What a button pressed without scripts just did, said once (lib/api/form-outcome.ts). */
  formOutcome?: string | null;
};

/** The tournament admin area: health, every team with the manager's actions, roles that may become teams, and the audit log. */
export function AdminArea({ userName, teams, teamRoles, audit, health, formOutcome = null }: AdminAreaProps) {
  return (
    <div data-view="admin">
      <header className="border-b border-slate-200 bg-surface">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <p className="text-lg font-bold text-brand">SAFA Dashboard · Admin</p>
          <nav aria-label="Admin" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
            <span className="text-slate-700">
              Signed in as <span className="font-semibold text-slate-900">{userName}</span>
            </span>
            <Link href="/" className={headerLinkClass}>
              Back to dashboard
            </Link>
          </nav>
        </div>
      </header>
      <main className="mx-auto flex max-w-5xl flex-col gap-4 px-4 py-6">
        <h1 className={headingClass}>Tournament admin</h1>
        {formOutcome && <FormOutcomeNotice message={formOutcome} />}
        <section aria-labelledby="health-heading" className={cardClass}>
          <h2 id="health-heading" className={sectionHeadingClass}>
            Health
          </h2>
          <div className="mt-3">
            <HealthPanel health={health} />
          </div>
        </section>
        <section aria-labelledby="transfers-heading" className={cardClass}>
          <h2 id="transfers-heading" className={sectionHeadingClass}>
            Transfers
          </h2>
          <div className="mt-3">
            <TransferAdmin teams={teams.map((team) => ({ id: team.id, name: team.name }))} />
          </div>
        </section>
        <section aria-labelledby="teams-heading" className="flex flex-col gap-3">
          <h2 id="teams-heading" className={sectionHeadingClass}>
            Teams ({teams.length})
          </h2>
          <TransferOverrideScope>
            <TransferOverrideField />
            {/* Without scripts, a roster button pressed here comes back here. */}
            <FormReturnScope page="/admin">
              <AdminTeams teams={teams} />
            </FormReturnScope>
          </TransferOverrideScope>
        </section>
        <section aria-labelledby="team-roles-heading" className={cardClass}>
          <h2 id="team-roles-heading" className={sectionHeadingClass}>
            Discord roles that can be teams
          </h2>
          <div className="mt-3">
            <TeamRoles roles={teamRoles} />
          </div>
        </section>
        <section aria-labelledby="audit-heading" className={cardClass}>
          <h2 id="audit-heading" className={sectionHeadingClass}>
            Audit log
          </h2>
          <div className="mt-3">
            <AuditLog rows={audit} />
          </div>
        </section>
      </main>
    </div>
  );
}
