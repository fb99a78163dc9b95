// A loopback HTTP proxy in front of the real gateway that injects faults per request: S3
// errors (503 SlowDown), dropped connections, delays and rewritten responses. The app is
// pointed at the proxy through a plain Profile whose endpoint is the proxy's URL.
//
// Signatures stay valid without re-signing: the client signs for the proxy's host, and the
// proxy forwards the request with that same Host header; RGW (path-style) verifies the
// signature against the Host it receives, whatever port it listens on.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { assertLoopback } from "./gateway";

export type S3RequestKind =
  | "ListBuckets"
  | "ListMultipartUploads"
  | "CreateMultipartUpload"
  | "ListParts"
  | "UploadPart"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "HeadObject"
  | "GetBucketLifecycleConfiguration"
  | "PutBucketLifecycleConfiguration"
  | "DeleteBucketLifecycle"
  | "Other";

export interface SeenRequest {
  kind: S3RequestKind;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export type FaultAction =
  /** An S3 XML error answer (default 503 SlowDown). */
  | { type: "error"; status?: number; code?: string }
  /** Destroy the client's socket without answering (ECONNRESET / socket hang up). */
  | { type: "reset" }
  /** Wait, then forward. */
  | { type: "delay"; ms: number }
  /** Forward, then rewrite the response body (Content-Length is fixed up). */
  | { type: "rewrite"; rewrite: (body: string, request: SeenRequest) => string }
  /** Answer without forwarding. */
  | { type: "respond"; status: number; body: string; contentType?: string }
  /**
   * Forward, let the gateway act and answer, then drop the client's connection without
   * passing the answer on: the request took effect, the client saw a reset (and retries).
   */
  | { type: "drop-answer" }
  /** Forward (after `delayMs`), then replace the answer's status and body. */
  | { type: "replace"; delayMs?: number; replace: (answer: { status: number; body: string }, request: SeenRequest) => { status: number; body: string } };

export interface FaultRule {
  match: S3RequestKind | ((request: SeenRequest) => boolean);
  action: FaultAction;
  /** Let this many matching requests through untouched first (default 0). */
  skip?: number;
  /** Apply to this many matching requests, then pass through (default: every one). */
  times?: number;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every request seen, in arrival order. */
  requests: SeenRequest[];
  count(kind?: S3RequestKind): number;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export function classify(method: string, query: URLSearchParams, path: string): S3RequestKind {
  const pathParts = path.split("/").filter(Boolean);
  if (method === "GET" && pathParts.length === 0) return "ListBuckets";
  if (query.has("lifecycle")) {
    if (method === "GET") return "GetBucketLifecycleConfiguration";
    if (method === "PUT") return "PutBucketLifecycleConfiguration";
    if (method === "DELETE") return "DeleteBucketLifecycle";
  }
  if (method === "GET" && query.has("uploads")) return "ListMultipartUploads";
  if (method === "POST" && query.has("uploads")) return "CreateMultipartUpload";
  if (method === "GET" && query.has("uploadId")) return "ListParts";
  if (method === "PUT" && query.has("uploadId") && query.has("partNumber")) return "UploadPart";
  if (method === "POST" && query.has("uploadId")) return "CompleteMultipartUpload";
  if (method === "DELETE" && query.has("uploadId")) return "AbortMultipartUpload";
  if (method === "HEAD" && pathParts.length >= 2) return "HeadObject";
  return "Other";
}

export function s3ErrorXml(code: string, resource = "/"): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message></Message><Resource>${resource}</Resource><RequestId>fault-proxy</RequestId></Error>`;
}

interface ActiveRule extends FaultRule {
  matched: number;
  applied: number;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  assertLoopback(target);
  const upstream = new URL(target);
  const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const requests: SeenRequest[] = [];
  let rules: ActiveRule[] = [];

  function pickAction(seen: SeenRequest): FaultAction | undefined {
    for (const rule of rules) {
      const matches = typeof rule.match === "function" ? rule.match(seen) : rule.match === seen.kind;
      if (!matches) continue;
      rule.matched++;
      if (rule.matched <= (rule.skip ?? 0)) continue;
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      rule.applied++;
      return rule.action;
    }
    return undefined;
  }

  function forward(
    incoming: http.IncomingMessage,
    outgoing: http.ServerResponse,
    seen: SeenRequest,
    rewrite?: (answer: { status: number; body: string }, request: SeenRequest) => { status: number; body: string } | null,
  ): void {
    const proxied = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers, // Host included, unchanged: the signature covers it
        agent: upstreamAgent,
      },
      (answer) => {
        if (!rewrite) {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const replaced = rewrite({ status: answer.statusCode ?? 502, body: Buffer.concat(chunks).toString("utf8") }, seen);
          if (replaced === null) return void incoming.socket.destroy();
          const body = Buffer.from(replaced.body, "utf8");
          const headers = { ...answer.headers, "content-length": String(body.length) };
          delete headers["transfer-encoding"];
          outgoing.writeHead(replaced.status, headers);
          outgoing.end(body);
        });
      },
    );
    proxied.on("error", () => {
      // The gateway itself is down or dropped us: say so (502), unless an answer had begun.
      if (outgoing.headersSent) return void outgoing.destroy();
      const body = s3ErrorXml("BadGateway", seen.path);
      outgoing.writeHead(502, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
      outgoing.end(body);
    });
    incoming.pipe(proxied);
  }

  const server = http.createServer((incoming, outgoing) => {
    const url = new URL(incoming.url ?? "/", "http://proxy.invalid");
    const method = incoming.method ?? "GET";
    const seen: SeenRequest = {
      kind: classify(method, url.searchParams, url.pathname),
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: incoming.headers,
    };
    requests.push(seen);
    const action = pickAction(seen);
    if (!action) return forward(incoming, outgoing, seen);
    switch (action.type) {
      case "error": {
        incoming.resume(); // drain any body so the socket can answer
        const body = s3ErrorXml(action.code ?? "SlowDown", url.pathname);
        outgoing.writeHead(action.status ?? 503, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
        outgoing.end(body);
        return;
      }
      case "reset":
        incoming.socket.destroy();
        return;
      case "delay":
        setTimeout(() => forward(incoming, outgoing, seen), action.ms);
        return;
      case "rewrite":
        forward(incoming, outgoing, seen, (answer, request) => ({ status: answer.status, body: action.rewrite(answer.body, request) }));
        return;
      case "drop-answer":
        forward(incoming, outgoing, seen, () => null);
        return;
      case "replace":
        setTimeout(() => forward(incoming, outgoing, seen, action.replace), action.delayMs ?? 0);
        return;
      case "respond":
        incoming.resume();
        outgoing.writeHead(action.status, {
          "content-type": action.contentType ?? "application/xml",
          "content-length": Buffer.byteLength(action.body),
        });
        outgoing.end(action.body);
        return;
    }
  });
  // Sockets the proxy holds, so close() does not wait for the client's keep-alive to expire.
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (kind) => (kind ? requests.filter((r) => r.kind === kind).length : requests.length),
    addFault: (rule) => {
      rules.push({ ...rule, matched: 0, applied: 0 });
    },
    clearFaults: () => {
      rules = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        upstreamAgent.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Rewrites a ListMultipartUploads answer to say "more pages" with markers that never move. */
export function stuckUploadsPage(keyMarker: string, uploadIdMarker: string): (body: string) => string {
  return (body) =>
    body
      .replace(/<IsTruncated>[^<]*<\/IsTruncated>/, "<IsTruncated>true</IsTruncated>")
      .replace(/<NextKeyMarker>[^<]*<\/NextKeyMarker>|<NextKeyMarker\/>/, `<NextKeyMarker>${keyMarker}</NextKeyMarker>`)
      .replace(
        /<NextUploadIdMarker>[^<]*<\/NextUploadIdMarker>|<NextUploadIdMarker\/>/,
        `<NextUploadIdMarker>${uploadIdMarker}</NextUploadIdMarker>`,
      );
}

/** Rewrites a ListParts answer so its first part is listed twice (a server repeating a part). */
export function duplicateFirstPart(body: string): string {
  const part = /<Part>[\s\S]*?<\/Part>/.exec(body);
  return part ? body.replace(part[0], part[0] + part[0]) : body;
}

/** A ListParts answer listing parts that are not there (an UploadPart "landing" after an abort). */
export function syntheticPartsXml(bucket: string, key: string, uploadId: string, sizes: number[]): string {
  const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const now = new Date().toISOString();
  const parts = sizes
    .map((size, index) => `<Part><PartNumber>${index + 1}</PartNumber><LastModified>${now}</LastModified><ETag>"00000000000000000000000000000000"</ETag><Size>${size}</Size></Part>`)
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escape(bucket)}</Bucket><Key>${escape(key)}</Key><UploadId>${escape(uploadId)}</UploadId><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>${sizes.length}</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>${parts}</ListPartsResult>`;
}

/**
 * An endpoint whose abort is idempotent: aborting an upload that is gone answers 204, as
 * some S3-compatible services do, instead of 404 NoSuchUpload. Optionally slowed down.
 */
export function idempotentAbort(delayMs = 0): FaultRule {
  return {
    match: "AbortMultipartUpload",
    action: {
      type: "replace",
      delayMs,
      replace: (answer) => (answer.status === 404 && answer.body.includes("NoSuchUpload") ? { status: 204, body: "" } : answer),
    },
  };
}
