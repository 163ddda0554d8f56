import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AdminArea } from "@/components/admin/admin-area";
import { Providers } from "@/components/providers";
import { getCurrentUser } from "@/lib/auth/session";
import { rolesAnswerFor } from "@/lib/roles";
import { adminOverview } from "@/lib/admin/overview";
import { takeFormOutcome } from "@/lib/api/form-outcome";

export const metadata: Metadata = { title: "Admin · SAFA Dashboard" };

/**
 * Tournament admins only; anyone else gets a 404, as if the page did not
 * exist. The page is read with the cached roles; every action it offers
 * re-reads the admin's roles fresh through the bot before changing anything.
 */
export default async function AdminPage() {
  const user = await getCurrentUser();
  if (!user) notFound();
  const roles = await rolesAnswerFor(user).catch(() => null);
  if (!roles?.ok || !roles.answer.isAdmin) notFound();
  // A roster button pressed here without scripts came back here after it acted: say what it did, once.
  const [overview, formOutcome] = await Promise.all([adminOverview(), takeFormOutcome(user.id)]);
  return (
    <Providers>
      <AdminArea userName={user.name} {...overview} formOutcome={formOutcome} />
    </Providers>
  );
}
