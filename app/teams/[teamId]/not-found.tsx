import Link from "next/link";
import { backLinkClass, bodyTextClass, cardClass, headingClass } from "@/components/ui/styles";

/** An unknown team: it never existed, or it was disbanded. */
export default function TeamNotFound() {
  return (
    <main className="mx-auto max-w-xl p-4 sm:p-6">
      <section className={cardClass}>
        <h1 className={headingClass}>No such team</h1>
        <p className={`mt-2 ${bodyTextClass}`}>This team does not exist. It may have been disbanded.</p>
        <p className="mt-4">
          <Link href="/" className={backLinkClass}>
            Back to the dashboard
          </Link>
        </p>
      </section>
    </main>
  );
}
