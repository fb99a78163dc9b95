import "server-only";
import { type ConfigProblem, inspectEnv, profilesFilePath, type Settings } from "@/lib/env";
import { plural } from "@/lib/format";
import { readProfiles } from "@/lib/profiles";

// `npm run check-config` and the server's start: the environment and the profiles file it
// names, checked by the same schemas that load them, every problem reported in one go.

interface ConfigReport {
  /** The profiles file that was read; null when its setting itself is wrong. */
  profilesFile: string | null;
  problems: ConfigProblem[];
}

export function checkConfig(env: Settings = process.env): ConfigReport {
  const problems = inspectEnv(env);
  if (problems.some((p) => p.severity === "error" && p.setting === "RECLAIM_PROFILES_FILE")) {
    return { profilesFile: null, problems };
  }
  const profilesFile = profilesFilePath(env.RECLAIM_PROFILES_FILE);
  problems.push(...readProfiles(profilesFile, env).problems);
  return { profilesFile, problems };
}

export function hasErrors(report: ConfigReport): boolean {
  return report.problems.some((p) => p.severity === "error");
}

/** The report as people read it: one line per problem, then what it means for the server. */
export function formatConfigReport(report: ConfigReport): string {
  const errors = report.problems.filter((p) => p.severity === "error");
  const warnings = report.problems.filter((p) => p.severity === "warning");
  const lines = [`Reclaim configuration (profiles file: ${report.profilesFile ?? "not read"})`];
  for (const p of [...errors, ...warnings])
    lines.push(`  ${p.severity.padEnd(7)} ${p.setting}: ${p.message}`);
  if (report.problems.length === 0) lines.push("  no problems found");
  else if (errors.length > 0)
    lines.push(
      `${plural(errors.length, "error")}, ${plural(warnings.length, "warning")}: the server does not start until the errors are fixed.`,
    );
  else lines.push(`${plural(warnings.length, "warning")}: the server starts, but look at them.`);
  return lines.join("\n");
}
