/** What a form posted without scripts did, said once on the page it came back to (lib/api/form-outcome.ts). */
export function FormOutcomeNotice({ message }: { message: string }) {
  return (
    <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-900 ring-1 ring-emerald-200">
      {message}
    </p>
  );
}
