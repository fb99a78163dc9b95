"use client";

import { CheckIcon } from "@/components/ui/check-icon";
import { useEffect, useState } from "react";
import { cn } from "@/lib/utils";

/** A small icon button that copies `value`; its accessible name says what it copies. */
export function CopyButton({
  value,
  label,
  className,
}: {
  value: string;
  label: string;
  className?: string;
}) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(null), 1500);
    return () => window.clearTimeout(timer);
  }, [copied]);

  return (
    <>
      <button
        type="button"
        data-slot="copy-button"
        title={
          copied === "yes"
            ? "Copied"
            : copied === "failed"
              ? "Copy failed — select the text instead"
              : label
        }
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(value);
            setCopied("yes");
          } catch {
            setCopied("failed");
          }
        }}
        className={cn(
          "text-muted-foreground hover:bg-muted hover:text-foreground inline-grid size-6 shrink-0 place-items-center rounded",
          copied === "yes" && "text-success",
          copied === "failed" && "text-destructive",
          className,
        )}
      >
        <span className="sr-only">{label}</span>
        {copied === "yes" ? (
          <CheckIcon />
        ) : (
          <svg
            aria-hidden
            viewBox="0 0 16 16"
            className="size-3.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
          >
            <rect x="5" y="5" width="8.5" height="8.5" rx="1.5" />
            <path d="M11 5V3.5A1.5 1.5 0 0 0 9.5 2h-6A1.5 1.5 0 0 0 2 3.5v6A1.5 1.5 0 0 0 3.5 11H5" />
          </svg>
        )}
      </button>
      <span aria-live="polite" className="sr-only">
        {copied === "yes" ? "Copied" : copied === "failed" ? "Copy failed" : ""}
      </span>
    </>
  );
}
