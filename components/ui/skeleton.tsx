/**
 * What stands where content is loading: grey bars the size of what is
 * coming, so the page does not jump when it arrives, and a sentence for
 * screen readers in a busy live region (the bars themselves are hidden from
 * them).
 */
export function Skeleton({ label, lines = 3 }: { label: string; lines?: number }) {
  return (
    <div role="status" aria-busy="true" className="flex flex-col gap-3" data-skeleton>
      <span className="sr-only">{label}</span>
      {Array.from({ length: lines }, (_, index) => (
        <div key={index} aria-hidden="true" className="flex animate-pulse items-center gap-3">
          <div className="size-8 shrink-0 rounded-full bg-slate-200" />
          <div className="flex flex-1 flex-col gap-2">
            <div className={`h-3 rounded bg-slate-200 ${index % 2 === 0 ? "w-2/3" : "w-1/2"}`} />
            <div className="h-3 w-1/3 rounded bg-slate-100" />
          </div>
        </div>
      ))}
    </div>
  );
}
