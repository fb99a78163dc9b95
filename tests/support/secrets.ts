import fs from "node:fs";
import path from "node:path";
import { readGateway } from "./gateway";

/** Every S3 key of the test gateway: none may ever reach a browser or a log. */
export function gatewaySecrets(): string[] {
  const { users } = readGateway();
  return [users.admin.accessKeyId, users.admin.secretAccessKey, users.restricted.accessKeyId, users.restricted.secretAccessKey];
}

export function findSecrets(text: string, secrets: string[]): string[] {
  return secrets.filter((secret) => text.includes(secret));
}

/** All files below a folder (a build's output). Symbolic links are skipped: in a build they point
 * at packages inside the same folder, which are listed where they are. */
export function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesBelow(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}
