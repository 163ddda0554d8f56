import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { PoolBrowser } from "@/components/pool/pool-browser";
import { Providers } from "@/components/providers";
import { backLinkClass, bodyTextClass, cardClass, headingClass } from "@/components/ui/styles";
import { getCurrentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Free-agent pool · SAFA Dashboard" };

/**
 * The free-agent pool: players who switched on "looking for a team". Any
 * signed-in member may browse it; a team's manager may offer a place from
 * it. Without a session, the login comes first.
 */
export default async function PoolPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/");
  return (
    <Providers>
      <main className="mx-auto flex max-w-5xl flex-col gap-4 p-4 sm:p-6">
        <p>
          <Link href="/" className={backLinkClass}>
            ← Dashboard
          </Link>
        </p>
        <section aria-labelledby="pool-heading" className={cardClass}>
          <h1 id="pool-heading" className={headingClass}>
            Free-agent pool
          </h1>
          <p className={`mt-2 ${bodyTextClass}`}>Players without a team who are looking for one, with their platform, position and country.</p>
          <div className="mt-4">
            <PoolBrowser />
          </div>
        </section>
      </main>
    </Providers>
  );
}
