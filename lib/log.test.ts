import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/log";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { lines, logger: createLogger(stream) };
}

describe("logger", () => {
  it("writes one JSON line per event with an ISO time and a level name", () => {
    const { lines, logger } = capture();
    logger.info({ event: "abort", user: "a@example.com", profile: "p", bucket: "b", key: "k", uploadId: "u" }, "abort reclaimed");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(line).toMatchObject({ level: "info", app: "reclaim", event: "abort", user: "a@example.com", key: "k", msg: "abort reclaimed" });
    expect(Number.isNaN(Date.parse(String(line.time)))).toBe(false);
  });

  it("never writes keys, passwords, tokens, cookies or signed headers", () => {
    const { lines, logger } = capture();
    const secrets = ["AKIASECRETKEYID", "wJalrSECRETACCESSKEY", "hunter2-password", "metrics-token-123", "session=abc123", "AWS4-HMAC-SHA256 Signature=deadbeef"];
    logger.error(
      {
        event: "config",
        credentials: { accessKeyId: secrets[0], secretAccessKey: secrets[1] },
        accessKeyId: secrets[0],
        password: secrets[2],
        token: secrets[3],
        request: { headers: { cookie: secrets[4], authorization: secrets[5] }, cookie: secrets[4], authorization: secrets[5] },
        err: { secretAccessKey: secrets[1], $response: { headers: { authorization: secrets[5] } } },
      },
      "configuration problem",
    );
    const text = lines.join("");
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain("[redacted]");
    expect(JSON.parse(text)).toMatchObject({ event: "config", msg: "configuration problem" });
  });
});
