import fs from "node:fs";
import path from "node:path";
import { instanceDir } from "../support/gateway";
import { findSecrets, gatewaySecrets } from "../support/secrets";

// After the whole run: the server's output never contained an S3 key.
export default function globalTeardown(): void {
  const log = path.join(instanceDir, "e2e-server.log");
  if (!fs.existsSync(log)) throw new Error(`Server log ${log} missing: cannot prove no secret was logged`);
  const leaked = findSecrets(fs.readFileSync(log, "utf8"), gatewaySecrets());
  if (leaked.length > 0) throw new Error(`The server printed ${leaked.length} S3 key(s) during the e2e run`);
}
