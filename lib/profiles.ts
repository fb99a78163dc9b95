import "server-only";
import fs from "node:fs";
import path from "node:path";
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { z } from "zod";
import {
  ConfigError,
  type ConfigProblem,
  type ConfigReason,
  profilesFilePath,
  type Settings,
  unknownSettingMessage,
} from "@/lib/env";
import { KnownError } from "@/lib/errors";
import { isLoopbackHost } from "@/lib/loopback";
import { resolveStoragePrice, type StoragePrice } from "@/lib/money";
import type { PublicProfile } from "@/lib/public-profile";
import { profileIdSchema } from "@/lib/schemas";

// Endpoint profiles are server-side configuration. The browser only ever sees a profile's
// id, label and endpoint host; credentials never leave this module's callers on the server.

/** AWS S3 Standard's published price per 1,000 LIST requests (USD, us-east-1). */
export const DEFAULT_LIST_REQUEST_PRICE_PER_1000 = 0.005;

const credentialsSchema = z.union(
  [
    z.object({
      /** Names of environment variables holding the key pair. */
      env: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }),
    }),
    /** A JSON file {"accessKeyId","secretAccessKey"}; relative paths are from the profiles file. */
    z.object({ file: z.string().min(1) }),
  ],
  {
    error: (issue) =>
      `${issue.input === undefined ? "missing" : "not understood"}: give the profile "credentials": {"env": {"accessKeyId": "<VARIABLE>", "secretAccessKey": "<VARIABLE>"}} (names of environment variables) or {"file": "<keys.json>"}`,
  },
);

const profileSchema = z.object({
  id: profileIdSchema,
  label: z.string().min(1),
  endpoint: z.url({ protocol: /^https?$/ }),
  region: z.string().min(1).default("us-east-1"),
  forcePathStyle: z.boolean().default(true),
  credentials: credentialsSchema,
  expectedBucketOwner: z.string().min(1).optional(),
  /** Buckets to inventory when the key may not call ListBuckets. */
  buckets: z.array(z.string().min(1)).optional(),
  /** What the endpoint charges per 1,000 LIST requests, for the dashboard's own request bill. */
  listRequestPricePer1000: z.number().nonnegative().default(DEFAULT_LIST_REQUEST_PRICE_PER_1000),
  /** Storage price per GiB-month (default: AWS's published prices for AWS endpoints, else 0). */
  storagePrice: z
    .object({
      currency: z.string().regex(/^[A-Z]{3}$/, "currency is a 3-letter ISO 4217 code such as USD").default("USD"),
      perGiBMonth: z.number().nonnegative().finite(),
      byStorageClass: z.record(z.string().min(1), z.number().nonnegative().finite()).default({}),
    })
    .optional(),
});

const profilesFileSchema = z.object({ profiles: z.array(profileSchema).min(1) });

const keyPairSchema = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
});

export interface Profile {
  id: string;
  label: string;
  endpoint: string;
  region: string;
  forcePathStyle: boolean;
  expectedBucketOwner?: string;
  buckets?: string[];
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Price per 1,000 LIST requests (0 for a self-hosted endpoint); default AWS S3 Standard's. */
  listRequestPricePer1000?: number;
  /** Resolved from the profiles file; when absent, storagePriceOf() applies the defaults. */
  storagePrice?: StoragePrice;
}

export class UnknownProfileError extends KnownError {
  override name = "UnknownProfileError";
  constructor(readonly profileId: string) {
    super("unknown-profile", `No endpoint profile named "${profileId}" is configured.`);
  }
}

/** A bucket the profile does not list: refused before anything is sent, whatever the key could reach. */
export class BucketNotInProfileError extends KnownError {
  override name = "BucketNotInProfileError";
  constructor(
    readonly profileId: string,
    readonly bucket: string,
  ) {
    super(
      "bucket-not-in-profile",
      `Bucket \`${bucket}\` is not one of the buckets of profile "${profileId}" — nothing was sent to the endpoint. An operator can add it to the profile's bucket list.`,
    );
  }
}

/**
 * The rule of a profile's `buckets` list: a profile that names its buckets works on those
 * only. Every lib entry point that takes a bucket from a request calls this first.
 */
export function assertBucketsInProfile(profile: Pick<Profile, "id" | "buckets">, buckets: Iterable<string>): void {
  if (!profile.buckets) return;
  const allowed = new Set(profile.buckets);
  for (const bucket of buckets) {
    if (!allowed.has(bucket)) throw new BucketNotInProfileError(profile.id, bucket);
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

// What jsonc-parser's error codes mean, in words; the file's text is never quoted (a secrets
// file's would hold a key).
const JSON_ERRORS: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ',' (or a closing bracket)",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected text after the end",
  InvalidCommentToken: "JSON allows no comments",
  UnexpectedEndOfString: "unterminated string",
  InvalidCharacter: "control character inside a string",
};

/** " at line L, column C: what was expected", for a text that JSON.parse refused. */
function locateJsonError(text: string): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (!first) return "";
  const before = text.slice(0, first.offset);
  const line = before.split("\n").length;
  const column = first.offset - before.lastIndexOf("\n");
  const name = printParseErrorCode(first.error);
  return ` at line ${line}, column ${column}: ${JSON_ERRORS[name] ?? name}`;
}

type JsonRead = { value: unknown } | { missing: boolean; problem: string };

function readJsonFile(file: string): JsonRead {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT"
      ? { missing: true, problem: `${file} does not exist` }
      : { missing: false, problem: `${file} cannot be read (${code ?? "error"})` };
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { missing: false, problem: `${file} is not valid JSON${locateJsonError(text)}` };
  }
}

function error(setting: string, message: string, reason: ConfigReason = "profiles"): ConfigProblem {
  return { severity: "error", reason, setting, message };
}

function warning(
  setting: string,
  message: string,
  reason: ConfigReason = "profiles",
): ConfigProblem {
  return { severity: "warning", reason, setting, message };
}

/** `profiles[1].endpoint (ceph-lab)`: where in the profiles file, and which profile. */
function placeInFile(issuePath: readonly PropertyKey[], raw: unknown): string {
  const place = issuePath
    .map((part, i) =>
      typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`,
    )
    .join("");
  const index = issuePath[1];
  const entry =
    issuePath[0] === "profiles" && typeof index === "number"
      ? profileEntries(raw)[index]
      : undefined;
  const id = entry && typeof entry === "object" && "id" in entry ? entry.id : undefined;
  return `${place || "(whole file)"}${typeof id === "string" ? ` (${id})` : ""}`;
}

function profileEntries(raw: unknown): unknown[] {
  const list = raw && typeof raw === "object" && "profiles" in raw ? raw.profiles : undefined;
  return Array.isArray(list) ? list : [];
}

/** Keys the schemas do not know are ignored by them: likely typos, so they are reported. */
function unknownKeys(raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const check = (object: unknown, known: string[], place: (key: string) => string) => {
    if (!object || typeof object !== "object" || Array.isArray(object)) return;
    for (const key of Object.keys(object)) {
      if (!known.includes(key))
        problems.push(warning(place(key), unknownSettingMessage(key, known)));
    }
  };
  check(raw, Object.keys(profilesFileSchema.shape), (key) => key);
  profileEntries(raw).forEach((entry, index) =>
    check(entry, Object.keys(profileSchema.shape), (key) =>
      placeInFile(["profiles", index, key], raw),
    ),
  );
  return problems;
}

/** Plain HTTP leaves this machine unencrypted: listings, keys' signatures and lifecycle rules. */
function plainHttpWarning(endpoint: string, setting: string): ConfigProblem[] {
  const url = new URL(endpoint);
  if (url.protocol !== "http:" || isLoopbackHost(url.hostname)) return [];
  return [
    warning(
      setting,
      `${url.origin} is plain HTTP to another machine: what Reclaim lists and sends crosses the network unencrypted. Use an https:// endpoint.`,
    ),
  ];
}

function resolveCredentials(
  source: z.infer<typeof credentialsSchema>,
  at: (...rest: string[]) => string,
  baseDir: string,
  env: Settings,
  problems: ConfigProblem[],
): Profile["credentials"] | undefined {
  if ("env" in source) {
    const accessKeyId = env[source.env.accessKeyId];
    const secretAccessKey = env[source.env.secretAccessKey];
    if (!accessKeyId || !secretAccessKey) {
      const unset = [source.env.accessKeyId, source.env.secretAccessKey].filter(
        (name) => !env[name],
      );
      problems.push(
        error(
          unset.join(", "),
          `not set, and ${at()} takes its key pair from ${unset.length === 1 ? "it" : "them"}: set ${unset.join(" and ")} in the server's environment (e.g. its EnvironmentFile).`,
          "credentials",
        ),
      );
      return undefined;
    }
    return { accessKeyId, secretAccessKey };
  }
  const file = path.resolve(/*turbopackIgnore: true*/ baseDir, source.file);
  const read = readJsonFile(file);
  if ("problem" in read) {
    problems.push(
      error(
        at("credentials", "file"),
        `${read.problem}: it must hold {"accessKeyId": "…", "secretAccessKey": "…"} (relative paths are from the profiles file).`,
        "credentials",
      ),
    );
    return undefined;
  }
  if ((fs.statSync(file).mode & 0o004) !== 0) {
    problems.push(
      warning(
        at("credentials", "file"),
        `${file} holds a secret key and every user of this machine can read it: chmod 600 ${file} (owned by the user the server runs as).`,
        "credentials",
      ),
    );
  }
  const parsed = keyPairSchema.safeParse(read.value);
  if (!parsed.success) {
    problems.push(
      error(at("credentials", "file"), `${file}: ${describeIssues(parsed.error)}.`, "credentials"),
    );
    return undefined;
  }
  return parsed.data;
}

interface ProfilesReading {
  /** Every profile that is fully usable. */
  profiles: Map<string, Profile>;
  /** Everything wrong with the file, its profiles and their credentials, at once. */
  problems: ConfigProblem[];
}

/** Reads and checks a profiles file; the credentials' environment variables come from `env`. */
export function readProfiles(file: string, env: Settings = process.env): ProfilesReading {
  const profiles = new Map<string, Profile>();
  const read = readJsonFile(file);
  if ("problem" in read) {
    const todo = read.missing
      ? "Start the local gateway (npm run demo), or set RECLAIM_PROFILES_FILE to your profiles file."
      : "Fix the file (README: Point it at your own storage).";
    return { profiles, problems: [error("RECLAIM_PROFILES_FILE", `${read.problem}. ${todo}`)] };
  }
  const problems = unknownKeys(read.value);
  const parsed = profilesFileSchema.safeParse(read.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(
        error(placeInFile(issue.path, read.value), `${issue.message}. Fix it in ${file}.`),
      );
    }
  }
  // Each valid profile is checked further even when another is not, so nothing waits for a second run.
  profileEntries(read.value).forEach((entry, index) => {
    const valid = profileSchema.safeParse(entry);
    if (!valid.success) return;
    const p = valid.data;
    const at = (...rest: string[]) => placeInFile(["profiles", index, ...rest], read.value);
    if (profiles.has(p.id)) {
      problems.push(error(at("id"), `duplicate id "${p.id}": give each profile its own id.`));
      return;
    }
    problems.push(...plainHttpWarning(p.endpoint, at("endpoint")));
    const credentials = resolveCredentials(p.credentials, at, path.dirname(file), env, problems);
    if (!credentials) return;
    profiles.set(p.id, {
      id: p.id,
      label: p.label,
      endpoint: p.endpoint,
      region: p.region,
      forcePathStyle: p.forcePathStyle,
      expectedBucketOwner: p.expectedBucketOwner,
      buckets: p.buckets,
      listRequestPricePer1000: p.listRequestPricePer1000,
      credentials,
      storagePrice: resolveStoragePrice(p.storagePrice, new URL(p.endpoint).host),
    });
  });
  return { profiles, problems };
}

let cache: { file: string; mtimeMs: number; profiles: Map<string, Profile> } | undefined;

/** All configured profiles, re-read when the file changes. Throws ConfigError when invalid. */
export function loadProfiles(): Map<string, Profile> {
  const file = profilesFilePath();
  const mtimeMs = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  if (cache && cache.file === file && cache.mtimeMs === mtimeMs) return cache.profiles;

  const { profiles, problems } = readProfiles(file);
  const errors = problems.filter((problem) => problem.severity === "error");
  if (errors.length > 0) {
    throw new ConfigError(
      `Profiles file ${file}: ${errors.map((e) => `${e.setting}: ${e.message}`).join("; ")}`,
      errors.some((e) => e.reason === "profiles") ? "profiles" : "credentials",
    );
  }
  cache = { file, mtimeMs, profiles };
  return profiles;
}

/** The profile with this id; an id that is not configured is an error, never a fallback. */
export function getProfile(id: string): Profile {
  const profile = loadProfiles().get(id);
  if (!profile) throw new UnknownProfileError(id);
  return profile;
}

/** The profile's storage price per GiB-month, its defaults applied (lib/money.ts). */
export function storagePriceOf(profile: Profile): StoragePrice {
  return profile.storagePrice ?? resolveStoragePrice(undefined, new URL(profile.endpoint).host);
}

export function toPublicProfile(profile: Profile): PublicProfile {
  return {
    id: profile.id,
    label: profile.label,
    endpointHost: new URL(profile.endpoint).host,
    buckets: profile.buckets ?? null,
    storagePrice: storagePriceOf(profile),
  };
}

export function listPublicProfiles(): PublicProfile[] {
  return [...loadProfiles().values()].map(toPublicProfile);
}
