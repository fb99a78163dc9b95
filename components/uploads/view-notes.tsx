import type { ViewNote } from "@/lib/uploads/view";

/** URL values that were ignored (a bad shared link), said plainly instead of failing. */
export function ViewNotes({ notes }: { notes: readonly ViewNote[] }) {
  if (notes.length === 0) return null;
  return (
    <div
      className="border-warning/40 bg-warning/10 text-warning rounded-md border px-3 py-2 text-sm"
      data-testid="view-notes"
    >
      <p className="font-medium">Some settings in the address were ignored</p>
      <ul className="mt-0.5 list-disc pl-5">
        {notes.map((note) => (
          <li key={`${note.param}:${note.value}`}>{note.message}</li>
        ))}
      </ul>
    </div>
  );
}
