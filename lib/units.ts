// Durations and sizes as admins type them in filters ("7d", "100MiB"), and back to the
// shortest exact text. One parser for every filter (the uploads table's, the bulk form's).
// Pure: the browser uses it too.

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const DURATION_UNITS: Record<string, number> = {
  s: SECOND,
  sec: SECOND,
  m: MINUTE,
  min: MINUTE,
  h: HOUR,
  d: DAY,
  w: 7 * DAY,
};

/** "7d", "12h", "30 min", "90s", "2w", "1.5d" → ms, with the canonical text; anything else → null. */
export function parseDuration(text: string): { text: string; ms: number } | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(sec|s|min|m|h|d|w)\s*$/i.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  const unit = (match[2] ?? "").toLowerCase();
  const factor = DURATION_UNITS[unit];
  if (factor === undefined || !Number.isFinite(value)) return null;
  const canonicalUnit = unit === "min" ? "m" : unit === "sec" ? "s" : unit;
  return { text: `${value}${canonicalUnit}`, ms: Math.round(value * factor) };
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
};
const CANONICAL_SIZE_UNIT: Record<string, string> = {
  b: "B",
  k: "KiB",
  kib: "KiB",
  kb: "KB",
  m: "MiB",
  mib: "MiB",
  mb: "MB",
  g: "GiB",
  gib: "GiB",
  gb: "GB",
  t: "TiB",
  tib: "TiB",
  tb: "TB",
};

/** "100MiB", "1.5 GiB", "500KB" (decimal), "2g" (binary), "4096" (bytes) → bytes; else null. */
export function parseSize(text: string): { text: string; bytes: number } | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  const unit = (match[2] || "b").toLowerCase();
  const factor = SIZE_UNITS[unit];
  if (factor === undefined || !Number.isFinite(value)) return null;
  return { text: `${value}${CANONICAL_SIZE_UNIT[unit] ?? "B"}`, bytes: Math.round(value * factor) };
}

/** Milliseconds → the shortest exact parameter in days, hours, minutes or seconds: "7d", "90m". */
export function formatDurationParam(ms: number): string {
  for (const [unit, size] of [
    ["d", DAY],
    ["h", HOUR],
    ["m", MINUTE],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / SECOND)}s`;
}

/** Bytes → the shortest exact parameter: 104857600 → "100MiB", 20000000 → "20MB", 1000 → "1000". */
export function formatSizeParam(bytes: number): string {
  for (const [unit, size] of [
    ["TiB", 1024 ** 4],
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
    ["TB", 1000 ** 4],
    ["GB", 1000 ** 3],
    ["MB", 1000 ** 2],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
