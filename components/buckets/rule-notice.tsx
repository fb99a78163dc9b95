/** What the last rule change did, announced politely until dismissed. */
export function RuleNotice({
  notice,
  onDismiss,
}: {
  notice: string | null;
  onDismiss: () => void;
}) {
  return (
    <div role="status" aria-live="polite" className="empty:hidden">
      {notice ? (
        <p className="border-success/30 bg-success/5 text-success flex items-start justify-between gap-3 rounded-md border px-3 py-2 text-sm">
          <span>{notice}</span>
          <button type="button" className="text-xs underline" onClick={onDismiss}>
            Dismiss
          </button>
        </p>
      ) : null}
    </div>
  );
}
