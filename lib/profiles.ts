import "server-only";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConfigError, type ConfigReason, profilesFilePath } from "@/lib/env";
import { KnownError } from "@/lib/errors";
import type { PublicProfile } from "@/lib/public-profile";
import { profileIdSchema } from "@/lib/schemas";

// Endpoint profiles are server-side configuration. The browser only ever sees a profile's
// id, label and endpoint host; credentials never leave this module's callers on the server.

/** AWS S3 Standard's published price per 1,000 LIST requests (USD, us-east-1). */
export const DEFAULT_LIST_REQUEST_PRICE_PER_1000 = 0.005;

const credentialsSchema = z.union([
  z.object({
    /** Names of environment variables holding the key pair. */
    env: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }),
  }),
  /** A JSON file {"accessKeyId","secretAccessKey"}; relative paths are from the profiles file. */
  z.object({ file: z.string().min(1) }),
]);

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
}

export class UnknownProfileError extends KnownError {
  override name = "UnknownProfileError";
  constructor(readonly profileId: string) {
    super("unknown-profile", `No endpoint profile named "${profileId}" is configured.`);
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

function readJson(file: string, what: string, reason: ConfigReason): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === "ENOENT"
        ? `${what} ${file} does not exist. Start the local gateway (npm run demo) or set RECLAIM_PROFILES_FILE.`
        : `${what} ${file} cannot be read (${code ?? "error"}).`,
      reason,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError(`${what} ${file} is not valid JSON.`, reason);
  }
}

function resolveCredentials(
  source: z.infer<typeof credentialsSchema>,
  profileId: string,
  baseDir: string,
): Profile["credentials"] {
  if ("env" in source) {
    const accessKeyId = process.env[source.env.accessKeyId];
    const secretAccessKey = process.env[source.env.secretAccessKey];
    if (!accessKeyId || !secretAccessKey) {
      throw new ConfigError(
        `Profile "${profileId}": environment variables ${source.env.accessKeyId} and ${source.env.secretAccessKey} must both be set.`,
        "credentials",
      );
    }
    return { accessKeyId, secretAccessKey };
  }
  const file = path.resolve(baseDir, source.file);
  const parsed = keyPairSchema.safeParse(readJson(file, `Secrets file for profile "${profileId}"`, "credentials"));
  if (!parsed.success) {
    throw new ConfigError(`Secrets file ${file}: ${describeIssues(parsed.error)}`, "credentials");
  }
  return parsed.data;
}

let cache: { file: string; mtimeMs: number; profiles: Map<string, Profile> } | undefined;

/** All configured profiles, re-read when the file changes. Throws ConfigError when invalid. */
export function loadProfiles(): Map<string, Profile> {
  const file = profilesFilePath();
  const mtimeMs = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  if (cache && cache.file === file && cache.mtimeMs === mtimeMs) return cache.profiles;

  const parsed = profilesFileSchema.safeParse(readJson(file, "Profiles file", "profiles"));
  if (!parsed.success) {
    throw new ConfigError(`Profiles file ${file}: ${describeIssues(parsed.error)}`, "profiles");
  }
  const profiles = new Map<string, Profile>();
  for (const p of parsed.data.profiles) {
    if (profiles.has(p.id)) throw new ConfigError(`Profiles file ${file}: duplicate id "${p.id}".`, "profiles");
    profiles.set(p.id, {
      id: p.id,
      label: p.label,
      endpoint: p.endpoint,
      region: p.region,
      forcePathStyle: p.forcePathStyle,
      expectedBucketOwner: p.expectedBucketOwner,
      buckets: p.buckets,
      listRequestPricePer1000: p.listRequestPricePer1000,
      credentials: resolveCredentials(p.credentials, p.id, path.dirname(file)),
    });
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

export function toPublicProfile(profile: Profile): PublicProfile {
  return {
    id: profile.id,
    label: profile.label,
    endpointHost: new URL(profile.endpoint).host,
    buckets: profile.buckets ?? null,
  };
}

export function listPublicProfiles(): PublicProfile[] {
  return [...loadProfiles().values()].map(toPublicProfile);
}
