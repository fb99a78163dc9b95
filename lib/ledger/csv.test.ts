import { describe, expect, it } from "vitest";
import {
  csvField,
  csvRecord,
  LEDGER_CSV_COLUMNS,
  parseCsv,
  parseCsvObjects,
  protectCell,
  toCsv,
  unprotectCell,
} from "@/lib/ledger/csv";
import type { LedgerEntry } from "@/lib/ledger/types";

// Keys S3 accepts that break naive CSV or trigger spreadsheet formulas.
const TRICKY_KEYS = [
  "plain/key.bin",
  "a,b,c.bin",
  'say "hi".txt',
  'only"quote',
  '"starts-with-quote',
  "line1\nline2",
  "crlf\r\ninside",
  "bare\rcr",
  "\r\nleading-crlf",
  "=SUM(A1:A9)",
  "=HYPERLINK(\"http://evil\",\"x\")",
  "+cmd|' /C calc'!A0",
  "-2+3",
  "@SUM(1)",
  "\tleading-tab",
  "'already-quoted",
  "''two-quotes",
  "'=quote-then-equals",
  "mid=dle+of-key@x",
  "日本/ü data & <more> %20.bin",
  " leading space",
  "trailing space ",
  "k".repeat(900),
  ",",
  '"',
  "''",
];

describe("csvField", () => {
  it("writes numbers and empty values bare, and quotes every text value", () => {
    expect(csvField("plain")).toBe('"plain"');
    expect(csvField("")).toBe('""');
    expect(csvField(12_897_484)).toBe("12897484");
    expect(csvField(0)).toBe("0");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(Number.NaN)).toBe("");
  });

  it("quotes fields with a comma, a quote, CR or LF and doubles inner quotes (RFC 4180)", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("x\ny")).toBe('"x\ny"');
    expect(csvField("x\r\ny")).toBe('"x\r\ny"');
    expect(csvField("x\ry")).toBe('"x\ry"');
  });

  it("prefixes text starting with = + - @ TAB CR or ' with one single quote", () => {
    expect(csvField("=SUM(A1)")).toBe(`"'=SUM(A1)"`);
    expect(csvField("+1")).toBe(`"'+1"`);
    expect(csvField("-1.bin")).toBe(`"'-1.bin"`);
    expect(csvField("@x")).toBe(`"'@x"`);
    expect(csvField("\tx")).toBe(`"'\tx"`);
    expect(csvField("\rx")).toBe(`"'\rx"`);
    expect(csvField("'x")).toBe(`"''x"`);
    // Only the first character matters; numbers are never prefixed.
    expect(csvField("a=b")).toBe('"a=b"');
    expect(csvField(-5)).toBe("-5");
  });

  it("keeps a value with another separator in one cell (a ';' spreadsheet cannot split it)", () => {
    expect(csvField("a;=1+1")).toBe('"a;=1+1"');
    expect(csvField("x\t@SUM(1)")).toBe('"x\t@SUM(1)"');
  });

  it("applies the guard before quoting", () => {
    expect(csvField('=A1,"b"')).toBe(`"'=A1,""b"""`);
  });
});

describe("protectCell / unprotectCell", () => {
  it("are inverse for every string", () => {
    for (const key of TRICKY_KEYS) expect(unprotectCell(protectCell(key))).toBe(key);
  });
});

describe("toCsv + parseCsv", () => {
  const columns = [
    { header: "n", value: (r: { n: number; key: string }) => r.n },
    { header: "key", value: (r: { n: number; key: string }) => r.key },
  ];

  it("writes a header row and CRLF-terminated records", () => {
    expect(toCsv(columns, [{ n: 1, key: "a" }, { n: 2, key: "b,c" }])).toBe('"n","key"\r\n1,"a"\r\n2,"b,c"\r\n');
  });

  it("round-trips every tricky key exactly when the guard is undone", () => {
    const rows = TRICKY_KEYS.map((key, n) => ({ n, key }));
    const parsed = parseCsv(toCsv(columns, rows), { unprotect: true });
    expect(parsed[0]).toEqual(["n", "key"]);
    expect(parsed.slice(1)).toEqual(rows.map((r) => [String(r.n), r.key]));
  });

  it("leaves the guard visible to a plain RFC 4180 reader (what a spreadsheet sees)", () => {
    const parsed = parseCsv(toCsv(columns, [{ n: 1, key: "=SUM(A1)" }]));
    expect(parsed[1]).toEqual(["1", "'=SUM(A1)"]);
  });

  it("parses empty fields, a missing final line break and LF-only files", () => {
    expect(parseCsv("a,,c\r\n,,\r\n")).toEqual([["a", "", "c"], ["", "", ""]]);
    expect(parseCsv("a,b")).toEqual([["a", "b"]]);
    expect(parseCsv("a,b\nc,d\n")).toEqual([["a", "b"], ["c", "d"]]);
    expect(parseCsv('"",x')).toEqual([["", "x"]]);
    expect(parseCsv("")).toEqual([]);
  });

  it("rejects a file that ends inside a quoted field", () => {
    expect(() => parseCsv('a,"unterminated\r\n')).toThrow(SyntaxError);
  });

  it("csvRecord keeps the field count for values with separators", () => {
    const record = csvRecord(["a,b", "c\r\nd", null, 3]);
    expect(parseCsv(record)).toEqual([["a,b", "c\r\nd", "", "3"]]);
  });
});

describe("LEDGER_CSV_COLUMNS", () => {
  const entry: LedgerEntry = {
    id: 7,
    startedAt: "2026-03-10T23:59:59.999Z",
    finishedAt: "2026-03-11T00:00:01.250Z",
    actorEmail: "+admin@example.test",
    actorSubject: "=idp|subject-7",
    profileId: "local",
    endpointHost: "127.0.0.1:17280",
    bucket: "reclaim-backups",
    key: '=cmd,"x"\nnext line',
    uploadId: "2~AbC-dEf_123",
    initiated: null,
    partsBefore: 3,
    bytesBefore: 12_897_484,
    outcome: "failed",
    attempts: 2,
    errorCode: "interrupted",
    errorMessage: "The abort was interrupted; the upload is still there — abort it again.",
    durationMs: null,
    jobId: null,
  };

  it("exports every field with ISO dates and round-trips through parseCsvObjects", () => {
    const [row] = parseCsvObjects(toCsv(LEDGER_CSV_COLUMNS, [entry]), { unprotect: true });
    expect(row).toEqual({
      id: "7",
      started_at: "2026-03-10T23:59:59.999Z",
      finished_at: "2026-03-11T00:00:01.250Z",
      admin_email: "+admin@example.test",
      admin_idp_subject: "=idp|subject-7",
      profile_id: "local",
      endpoint_host: "127.0.0.1:17280",
      bucket: "reclaim-backups",
      key: '=cmd,"x"\nnext line',
      upload_id: "2~AbC-dEf_123",
      initiated: "",
      parts_before: "3",
      bytes_before: "12897484",
      outcome: "failed",
      attempts: "2",
      duration_ms: "",
      error_code: "interrupted",
      error_message: "The abort was interrupted; the upload is still there — abort it again.",
      job_id: "",
    });
  });
});
