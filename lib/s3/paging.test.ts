import { describe, expect, it } from "vitest";
import {
  type PartsPage,
  type UploadsMarker,
  type UploadsPage,
  PartTally,
  nextUploadsMarker,
  pageUploads,
  tallyAllParts,
} from "@/lib/s3/paging";
import type { ListedUpload } from "@/lib/s3/types";
import { reclaimS3Error } from "@/tests/support/errors";

const context = { operation: "list-uploads", bucket: "logs" } as const;

function upload(key: string, uploadId: string): ListedUpload {
  return { key, uploadId, initiated: null, storageClass: null, initiator: null, owner: null };
}

function page(uploads: ListedUpload[], next?: [string, string]): UploadsPage {
  return {
    uploads,
    isTruncated: next !== undefined,
    nextKeyMarker: next?.[0],
    nextUploadIdMarker: next?.[1],
  };
}

/** A fake server: pages keyed by the marker they answer. Records the markers it was sent. */
function server(pages: Record<string, UploadsPage>) {
  const sent: (UploadsMarker | undefined)[] = [];
  const fetchPage = async (marker: UploadsMarker | undefined) => {
    sent.push(marker);
    const id = marker ? `${marker.keyMarker}|${marker.uploadIdMarker}` : "";
    const answer = pages[id];
    if (!answer) throw new Error(`unexpected marker ${id}`);
    return answer;
  };
  return { sent, fetchPage };
}

async function collect(pages: AsyncGenerator<ListedUpload[]>): Promise<string[]> {
  const keys: string[] = [];
  for await (const uploads of pages) keys.push(...uploads.map((u) => `${u.key}|${u.uploadId}`));
  return keys;
}

describe("pageUploads", () => {
  it("pages on IsTruncated, not on page size (RGW: 746 + 254 for 1,000)", async () => {
    const { sent, fetchPage } = server({
      "": page([upload("a", "1")], ["a", "1"]),
      "a|1": page([upload("b", "1"), upload("b", "2")], ["b", "2"]),
      "b|2": page([upload("c", "1")]),
    });
    expect(await collect(pageUploads(fetchPage, context))).toEqual(["a|1", "b|1", "b|2", "c|1"]);
    expect(sent).toEqual([undefined, { keyMarker: "a", uploadIdMarker: "1" }, { keyMarker: "b", uploadIdMarker: "2" }]);
  });

  it("accepts markers that go 'backwards' (RGW orders by key.uploadId: 'a.2' before 'a')", async () => {
    const { fetchPage } = server({
      "": page([upload("a-b", "2~x")], ["a-b", "2~x"]),
      "a-b|2~x": page([upload("a.2", "2~y"), upload("a", "2~z")], ["a", "2~z"]),
      "a|2~z": page([upload("a.b", "2~w")]),
    });
    expect(await collect(pageUploads(fetchPage, context))).toEqual(["a-b|2~x", "a.2|2~y", "a|2~z", "a.b|2~w"]);
  });

  it("stops with pager-stuck when the server repeats a marker, without counting the repeat", async () => {
    const { sent, fetchPage } = server({
      "": page([upload("a", "1")], ["a", "1"]),
      "a|1": page([upload("a", "1"), upload("b", "1")], ["a", "1"]),
    });
    const seen: string[] = [];
    const error = await reclaimS3Error(
      (async () => {
        for await (const uploads of pageUploads(fetchPage, context)) seen.push(...uploads.map((u) => u.key));
      })(),
    );
    expect(error.detail.code).toBe("pager-stuck");
    expect(error.detail.bucket).toBe("logs");
    expect(seen).toEqual(["a"]);
    expect(sent).toHaveLength(2);
  });

  it("detects a longer cycle of markers", async () => {
    const { fetchPage } = server({
      "": page([upload("a", "1")], ["a", "1"]),
      "a|1": page([upload("b", "1")], ["b", "1"]),
      "b|1": page([upload("c", "1")], ["a", "1"]),
    });
    expect((await reclaimS3Error(collect(pageUploads(fetchPage, context)))).detail.code).toBe("pager-stuck");
  });

  it("stops with pager-stuck on IsTruncated with no markers and no uploads (RGW's MaxUploads=0)", async () => {
    const { fetchPage } = server({ "": { uploads: [], isTruncated: true, nextKeyMarker: undefined, nextUploadIdMarker: undefined } });
    expect((await reclaimS3Error(collect(pageUploads(fetchPage, context)))).detail.code).toBe("pager-stuck");
  });

  it("uses the last listed upload when the server sends no next markers", async () => {
    const { sent, fetchPage } = server({
      "": { uploads: [upload("a", "1"), upload("b", "7")], isTruncated: true, nextKeyMarker: undefined, nextUploadIdMarker: undefined },
      "b|7": page([upload("c", "1")]),
    });
    expect(await collect(pageUploads(fetchPage, context))).toEqual(["a|1", "b|7", "c|1"]);
    expect(sent[1]).toEqual({ keyMarker: "b", uploadIdMarker: "7" });
  });

  it("drops an upload equal to the marker it was asked to start after", async () => {
    const { fetchPage } = server({
      "": page([upload("a", "1")], ["a", "1"]),
      "a|1": page([upload("a", "1"), upload("a", "2")]),
    });
    expect(await collect(pageUploads(fetchPage, context))).toEqual(["a|1", "a|2"]);
  });

  it("does not count uploads twice when a page overlaps the one before", async () => {
    const { fetchPage } = server({
      "": page([upload("a", "1"), upload("b", "1")], ["b", "1"]),
      "b|1": page([upload("a", "1"), upload("b", "1"), upload("c", "1")]),
    });
    expect(await collect(pageUploads(fetchPage, context))).toEqual(["a|1", "b|1", "c|1"]);
  });

  it("stops at the page cap with page-cap after yielding the pages it read", async () => {
    const fetchPage = async (marker: UploadsMarker | undefined) => {
      const n = marker ? Number(marker.keyMarker) + 1 : 0;
      return page([upload(String(n), "x")], [String(n), "x"]);
    };
    const seen: string[] = [];
    const error = await reclaimS3Error(
      (async () => {
        for await (const uploads of pageUploads(fetchPage, context, 5)) seen.push(...uploads.map((u) => u.key));
      })(),
    );
    expect(error.detail.code).toBe("page-cap");
    expect(seen).toEqual(["0", "1", "2", "3", "4"]);
  });

  it("prefetches the next page and swallows its failure when the caller stops early", async () => {
    let calls = 0;
    const fetchPage = async (marker: UploadsMarker | undefined) => {
      calls++;
      if (marker) throw new Error("second page fails");
      return page([upload("a", "1")], ["a", "1"]);
    };
    for await (const uploads of pageUploads(fetchPage, context)) {
      expect(uploads).toHaveLength(1);
      break; // no unhandled rejection may follow
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toBe(2);
  });

  it("surfaces a page failure to the caller", async () => {
    const fetchPage = async () => {
      throw new Error("network");
    };
    await expect(collect(pageUploads(fetchPage, context))).rejects.toThrow("network");
  });

  it("nextUploadsMarker keeps an empty upload id marker when only a key marker is sent", () => {
    expect(nextUploadsMarker(page([], ["k", ""]))).toEqual({ keyMarker: "k", uploadIdMarker: "" });
  });
});

function part(partNumber: number | undefined, size: number, lastModified?: string) {
  return { partNumber, size, lastModified: lastModified ? new Date(lastModified) : undefined };
}

function partsPage(parts: ReturnType<typeof part>[], next?: string): PartsPage {
  return { parts, isTruncated: next !== undefined, nextPartNumberMarker: next };
}

describe("PartTally", () => {
  it("counts each part number once, keeping the newest copy", () => {
    const tally = new PartTally();
    tally.add(part(1, 10, "2024-01-01T00:00:00Z"));
    tally.add(part(2, 20, "2024-01-01T00:00:01Z"));
    tally.add(part(1, 15, "2024-01-02T00:00:00Z")); // re-uploaded part 1
    tally.add(part(2, 99, "2023-12-31T00:00:00Z")); // an older copy listed later
    expect(tally.totals()).toEqual({
      parts: 2,
      bytes: 35,
      lastPartAt: new Date("2024-01-02T00:00:00Z"),
      firstPartNumber: 1,
      lastPartNumber: 2,
    });
  });

  it("takes the later-listed copy on a LastModified tie, ignores parts without numbers, tolerates disorder", () => {
    const tally = new PartTally();
    tally.add(part(7, 1, "2024-01-01T00:00:00Z"));
    tally.add(part(3, 5));
    tally.add(part(7, 2, "2024-01-01T00:00:00Z"));
    tally.add(part(undefined, 1000));
    expect(tally.totals()).toMatchObject({ parts: 2, bytes: 7, firstPartNumber: 3, lastPartNumber: 7 });
  });

  it("summarises no parts as zeros and nulls", () => {
    expect(new PartTally().totals()).toEqual({ parts: 0, bytes: 0, lastPartAt: null, firstPartNumber: null, lastPartNumber: null });
  });
});

describe("tallyAllParts", () => {
  const partsContext = { operation: "list-parts", bucket: "media", key: "big.bin" } as const;

  it("pages with PartNumberMarker and sums across pages (1,005 parts = 2 pages)", async () => {
    const sent: (string | undefined)[] = [];
    const totals = await tallyAllParts(async (marker) => {
      sent.push(marker);
      const start = marker ? Number(marker) + 1 : 1;
      const end = Math.min(start + 999, 1005);
      const parts = [];
      for (let n = start; n <= end; n++) parts.push(part(n, 100, "2024-01-01T00:00:00Z"));
      return partsPage(parts, end < 1005 ? String(end) : undefined);
    }, partsContext);
    expect(sent).toEqual([undefined, "1000"]);
    expect(totals).toMatchObject({ parts: 1005, bytes: 100_500, firstPartNumber: 1, lastPartNumber: 1005 });
  });

  it("ignores RGW's NextPartNumberMarker '0' on an empty, complete list", async () => {
    const totals = await tallyAllParts(async () => partsPage([], undefined), partsContext);
    expect(totals.parts).toBe(0);
    const zero = await tallyAllParts(async () => ({ parts: [], isTruncated: false, nextPartNumberMarker: "0" }), partsContext);
    expect(zero.parts).toBe(0);
  });

  it("counts a part repeated across a page boundary once", async () => {
    const totals = await tallyAllParts(async (marker) => {
      if (!marker) return partsPage([part(1, 10), part(2, 10)], "2");
      return partsPage([part(2, 10), part(3, 10)]);
    }, partsContext);
    expect(totals).toMatchObject({ parts: 3, bytes: 30 });
  });

  it("stops with pager-stuck when the part marker does not grow", async () => {
    let calls = 0;
    const error = await reclaimS3Error(
      tallyAllParts(async () => {
        calls++;
        return partsPage([part(1, 10)], "1");
      }, partsContext),
    );
    expect(error.detail.code).toBe("pager-stuck");
    expect(error.detail.key).toBe("big.bin");
    expect(calls).toBe(2);
  });

  it("stops with pager-stuck on IsTruncated with neither marker nor parts", async () => {
    const error = await reclaimS3Error(tallyAllParts(async () => partsPage([], "0"), partsContext));
    expect(error.detail.code).toBe("pager-stuck");
  });

  it("falls back to the highest listed part number when no marker is sent", async () => {
    const sent: (string | undefined)[] = [];
    const totals = await tallyAllParts(async (marker) => {
      sent.push(marker);
      if (!marker) return { parts: [part(2, 1), part(1, 1)], isTruncated: true, nextPartNumberMarker: undefined };
      return partsPage([part(3, 1)]);
    }, partsContext);
    expect(sent).toEqual([undefined, "2"]);
    expect(totals.parts).toBe(3);
  });

  it("stops at the page cap", async () => {
    const error = await reclaimS3Error(
      tallyAllParts(async (marker) => {
        const n = marker ? Number(marker) + 1 : 1;
        return partsPage([part(n, 1)], String(n));
      }, partsContext, 3),
    );
    expect(error.detail.code).toBe("page-cap");
  });
});
