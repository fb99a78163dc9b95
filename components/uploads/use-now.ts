"use client";

import { useEffect, useState } from "react";

/** The current time, re-read every `intervalMs` — for "4 s ago" labels. Renders stay pure. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
