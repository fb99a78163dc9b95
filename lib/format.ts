// Formatting for people: sizes in binary units, ages, dates and short ids. Pure functions,
// safe on the server and in the browser. Every function takes `now` explicitly so results
// are deterministic (tests, and renders that must not read the clock themselves).

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;

/** 1536 → "1.5 KiB", 12_897_484 → "12.3 MiB", 512 → "512 B". Binary (1024) units. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "—";
  const sign = bytes < 0 ? "-" : "";
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${sign}${Math.round(value)} B`;
  // One decimal below 100 ("12.3 MiB"), none above ("512 MiB"); never "1024.0 KiB".
  let text = value < 100 ? value.toFixed(1) : Math.round(value).toString();
  if (text === "1024" || text === "1024.0") {
    text = "1.0";
    unit += 1;
  }
  return `${sign}${text} ${BYTE_UNITS[unit] ?? "B"}`;
}

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Thousands separators: 1005 → "1,005". */
export function formatCount(n: number): string {
  return integer.format(n);
}

/** The exact size, for a tooltip: "12,897,484 bytes". */
export function formatBytesExact(bytes: number): string {
  return `${integer.format(bytes)} ${bytes === 1 ? "byte" : "bytes"}`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration in the largest whole unit: "45 s", "12 min", "3 h", "90 d". */
export function formatDuration(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < MINUTE) return `${Math.floor(abs / SECOND)} s`;
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} min`;
  if (abs < 2 * DAY) return `${Math.floor(abs / HOUR)} h`;
  return `${formatCount(Math.floor(abs / DAY))} d`;
}

function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/**
 * How old something is: "just now" (under a second, or a clock slightly ahead), "4 s",
 * "12 min", "3 h", "90 d". Null/invalid input → "—".
 */
export function formatAge(iso: string | null | undefined, now: number): string {
  const t = parseTime(iso);
  if (t === null) return "—";
  const ms = now - t;
  if (ms < SECOND) return "just now";
  return formatDuration(ms);
}

/** "4 s ago", "3 d ago", or "just now". */
export function formatAgo(iso: string | null | undefined, now: number): string {
  const age = formatAge(iso, now);
  return age === "just now" || age === "—" ? age : `${age} ago`;
}

/** Milliseconds since `iso`, or null when unknown. */
export function ageMs(iso: string | null | undefined, now: number): number | null {
  const t = parseTime(iso);
  return t === null ? null : now - t;
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * An absolute time in UTC, the same on every machine and on the server:
 * "2026-11-27 14:03 UTC". With seconds for tooltips.
 */
export function formatDateTime(
  iso: string | null | undefined,
  options: { seconds?: boolean; /** Append " UTC" (default true). */ zone?: boolean } = {},
): string {
  const t = parseTime(iso);
  if (t === null) return "—";
  const d = new Date(t);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${options.seconds ? `:${pad(d.getUTCSeconds())}` : ""}`;
  return options.zone === false ? `${date} ${time}` : `${date} ${time} UTC`;
}

/**
 * Upload ids are long opaque strings (AWS: ~100 chars, RGW: "2~…" ~34 chars).
 * Keep the start and the end so two ids still look different: "2~kq3Ze8…X9fQ".
 */
export function shortUploadId(id: string, head = 8, tail = 4): string {
  if (id.length <= head + tail + 1) return id;
  return `${id.slice(0, head)}…${id.slice(-tail)}`;
}

/** "1 upload" / "3 uploads". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * A dollar amount that may be tiny: two significant digits below a cent ("$0.0016"), cents
 * above ("$0.40", "$1,234.50"), "$0" for nothing.
 */
export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount)) return "—";
  if (amount === 0) return "$0";
  if (Math.abs(amount) < 0.01) return `$${Number(amount.toPrecision(2)).toString()}`;
  return `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
