// CSV for the ledger export: RFC 4180, plus a guard against spreadsheet formula injection.
// Pure functions (no server-only import): the tests and the e2e suite parse with parseCsv.
//
// Writing (RFC 4180):
// - Records end with CRLF; the first record is the header; every record has the same
//   number of fields.
// - Every text field is enclosed in double quotes and each double quote inside it is
//   doubled — not only those holding a comma, quote, CR or LF: a spreadsheet set to another
//   separator (";" in much of Europe) would split a bare `a;=1+1` into a second cell that
//   it evaluates. Inside quotes no separator splits anything.
// - Numbers are written bare as decimal digits; null/undefined as an empty field; dates as
//   ISO 8601 UTC strings (what the ledger stores), quoted like all text.
//
// Formula injection (OWASP "CSV injection"): a spreadsheet evaluates a cell that starts
// with = + - @ (and some also treat TAB and CR as a start). Object keys, emails and error
// messages come from outside, so every TEXT cell whose first character is one of
//     =  +  -  @  TAB  CR  '
// gets one extra leading single quote ('). The quote itself is in the set so the rule
// can be undone without ambiguity:
//     reading back: a text cell that starts with ' loses exactly that first character.
// So "=SUM(A1)" is written '=SUM(A1), "'x" is written ''x, and "-1.bin" '-1.bin — and
// parseCsv(..., { unprotect: true }) returns the original strings exactly. Numeric cells
// (bytes, parts, ids) are never prefixed: they are written from numbers, not text.

import type { LedgerEntry } from "@/lib/ledger/types";
import type { MonthlyAmount } from "@/lib/money";

export type CsvValue = string | number | null | undefined;

const FORMULA_START = new Set(["=", "+", "-", "@", "\t", "\r", "'"]);

/** The formula-injection guard for one text value (see the rule above). */
export function protectCell(value: string): string {
  const first = value.charAt(0);
  return FORMULA_START.has(first) ? `'${value}` : value;
}

/** The inverse of protectCell. */
export function unprotectCell(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

/** One field: numbers bare, text always quoted (RFC 4180 quoting, formula guard inside). */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "";
    return String(value);
  }
  return `"${protectCell(value).replaceAll('"', '""')}"`;
}

/** One record, CRLF-terminated. */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/** A column of an export: a header and how to read it from a row. */
export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvValue;
}

export function csvHeader<Row>(columns: readonly CsvColumn<Row>[]): string {
  return csvRecord(columns.map((c) => c.header));
}

export function csvRows<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  let out = "";
  for (const row of rows) out += csvRecord(columns.map((c) => c.value(row)));
  return out;
}

export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  return csvHeader(columns) + csvRows(columns, rows);
}

/**
 * RFC 4180 parser: quoted fields may hold commas, doubled quotes, CR and LF. Records end
 * with CRLF (a bare LF is accepted too); a final line break adds no empty record.
 * With `unprotect`, each field loses the formula guard (see unprotectCell): use it for
 * files written by this module whose columns are all text or non-negative numbers.
 */
export function parseCsv(text: string, options: { unprotect?: boolean } = {}): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let fieldStarted = false;
  const endField = () => {
    record.push(options.unprotect ? unprotectCell(field) : field);
    field = "";
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i += 1;
      continue;
    }
    if (ch === ",") {
      endField();
      i += 1;
      continue;
    }
    if (ch === "\r" && text[i + 1] === "\n") {
      endRecord();
      i += 2;
      continue;
    }
    if (ch === "\n") {
      endRecord();
      i += 1;
      continue;
    }
    field += ch;
    fieldStarted = true;
    i += 1;
  }
  if (quoted) throw new SyntaxError("CSV ends inside a quoted field");
  if (fieldStarted || field !== "" || record.length > 0) endRecord();
  return records;
}

/** Parsed CSV as objects keyed by the header row. */
export function parseCsvObjects(text: string, options: { unprotect?: boolean } = {}): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text, options);
  if (!header) return [];
  return rows.map((row) => {
    if (row.length !== header.length) {
      throw new SyntaxError(`CSV record has ${row.length} fields, the header has ${header.length}`);
    }
    return Object.fromEntries(header.map((name, i) => [name, row[i] ?? ""]));
  });
}

/** The ledger export's columns, in order. Times are ISO 8601 UTC as stored. */
export const LEDGER_CSV_COLUMNS: readonly CsvColumn<LedgerEntry>[] = [
  { header: "id", value: (e) => e.id },
  { header: "started_at", value: (e) => e.startedAt },
  { header: "finished_at", value: (e) => e.finishedAt },
  { header: "admin_email", value: (e) => e.actorEmail },
  { header: "admin_idp_subject", value: (e) => e.actorSubject },
  { header: "profile_id", value: (e) => e.profileId },
  { header: "endpoint_host", value: (e) => e.endpointHost },
  { header: "bucket", value: (e) => e.bucket },
  { header: "key", value: (e) => e.key },
  { header: "upload_id", value: (e) => e.uploadId },
  { header: "initiated", value: (e) => e.initiated },
  { header: "parts_before", value: (e) => e.partsBefore },
  { header: "bytes_before", value: (e) => e.bytesBefore },
  { header: "outcome", value: (e) => e.outcome },
  { header: "attempts", value: (e) => e.attempts },
  { header: "duration_ms", value: (e) => e.durationMs },
  { header: "error_code", value: (e) => e.errorCode },
  { header: "error_message", value: (e) => e.errorMessage },
  { header: "job_id", value: (e) => e.jobId },
];

/**
 * The export's columns with what each reclaimed attempt saves per month at its profile's
 * storage price (empty for other outcomes and unpriced profiles); 8 decimals, no exponent.
 */
export function ledgerCsvColumns(costAvoided: (entry: LedgerEntry) => MonthlyAmount | null): CsvColumn<LedgerEntry>[] {
  return [
    ...LEDGER_CSV_COLUMNS,
    { header: "cost_avoided_per_month", value: (e) => costAvoided(e)?.perMonth.toFixed(8) },
    { header: "currency", value: (e) => costAvoided(e)?.currency },
  ];
}
