import type { AuditRow } from "@/lib/admin/answer";
import { ScrollBox } from "../ui/scroll-box";

/** The newest changes first: who did what, to which team and player, when. */
export function AuditLog({ rows }: { rows: AuditRow[] }) {
  if (rows.length === 0) return <p className="text-sm text-slate-600">No changes yet.</p>;
  return (
    <ScrollBox label="Audit log, scrolls sideways">
      <table className="w-full text-left text-sm" aria-label="Audit log">
        <thead className="text-slate-600">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">When (UTC)</th>
            <th scope="col" className="py-1 pr-3 font-medium">Who</th>
            <th scope="col" className="py-1 pr-3 font-medium">What</th>
            <th scope="col" className="py-1 pr-3 font-medium">Team</th>
            <th scope="col" className="py-1 pr-3 font-medium">Player</th>
            <th scope="col" className="py-1 font-medium">Note</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 text-slate-900">
          {rows.map((row, index) => (
            <tr key={`${row.at}-${index}`}>
              <td className="py-1 pr-3 whitespace-nowrap">{row.at.replace("T", " ").slice(0, 19)}</td>
              <td className="py-1 pr-3">{row.actorName}</td>
              <td className="py-1 pr-3">
                <code>{row.action}</code>
              </td>
              <td className="py-1 pr-3">{row.teamName ?? "—"}</td>
              <td className="py-1 pr-3">{row.targetName ?? "—"}</td>
              <td className="py-1">{row.detail ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}
