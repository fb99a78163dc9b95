"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useOptimistic, useTransition } from "react";
import { parseView, serializeView, type UploadView, type ViewNote } from "@/lib/uploads/view";

export type ViewParam = "bucket" | "q" | "minAge" | "minSize" | "sort" | "dir";

/**
 * The table's filters and sort live in the URL (shareable, survive reload). Reading parses
 * and reports invalid values; writing replaces the URL (router.replace, no history entry).
 * The new view applies at once (useOptimistic) while the router round trip completes.
 */
export function useUploadView(): {
  view: UploadView;
  notes: ViewNote[];
  setView: (next: UploadView) => void;
  /** Raw writes, for text fields: an invalid value is kept in the URL and reported. */
  setParams: (patch: Partial<Record<ViewParam, string | null>>) => void;
} {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const [search, setOptimisticSearch] = useOptimistic(searchParams.toString());
  const [, startTransition] = useTransition();

  const { view, notes } = useMemo(() => parseView(new URLSearchParams(search)), [search]);

  const navigate = useCallback(
    (params: URLSearchParams) => {
      const query = params.toString();
      if (query === search) return;
      startTransition(() => {
        setOptimisticSearch(query);
        router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
      });
    },
    [router, pathname, search, setOptimisticSearch],
  );

  const setView = useCallback(
    (next: UploadView) => navigate(serializeView(next, new URLSearchParams(search))),
    [navigate, search],
  );

  const setParams = useCallback(
    (patch: Partial<Record<ViewParam, string | null>>) => {
      const params = new URLSearchParams(search);
      for (const [name, value] of Object.entries(patch)) {
        if (value === null || value === undefined || value.trim() === "") params.delete(name);
        else params.set(name, value);
      }
      navigate(params);
    },
    [navigate, search],
  );

  return { view, notes, setView, setParams };
}
