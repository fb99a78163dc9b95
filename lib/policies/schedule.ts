// A policy's schedule: a cron expression read in a time zone, parsed by croner. Pure and plain:
// the policy form checks a schedule in the browser with the same rules the server applies.
//
// The scheduler never counts runs: it asks for the newest slot at or before now, and runs
// when that slot is newer than the last one handled. So a server that was down across ten
// slots runs once when it comes back, not ten times.
import { Cron } from "croner";

const SCHEDULE_HELP =
  'Write 5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * *" for 02:00 every day, or 6 with seconds first.';

function cron(schedule: string, timeZone: string): Cron {
  // Paused: nothing is ever scheduled by this object; it only answers date questions.
  return new Cron(schedule.trim(), { timezone: timeZone, paused: true, mode: "5-or-6-parts" });
}

function isTimeZone(name: string): boolean {
  if (name.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Why the time zone is not usable, or null. */
export function timeZoneProblem(timeZone: string): string | null {
  return isTimeZone(timeZone) ? null : `Unknown time zone "${timeZone}" — use an IANA name such as UTC, Europe/Paris or America/New_York.`;
}

/** Why the schedule is not usable (bad expression, or one that never fires), or null. */
export function scheduleProblem(schedule: string, timeZone: string): string | null {
  if (schedule.trim() === "") return `A schedule is required. ${SCHEDULE_HELP}`;
  if (!isTimeZone(timeZone)) return null; // reported on the time zone field
  let parsed: Cron;
  try {
    parsed = cron(schedule, timeZone);
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).replace(/^Cron\w*:\s*/, "");
    return `Not a valid cron expression (${detail}). ${SCHEDULE_HELP}`;
  }
  if (parsed.nextRun() === null) return "This schedule never fires (no such date). Check the day and month fields.";
  return null;
}

/** The first slot strictly after `after`, or null when there is none. */
export function nextSlot(schedule: string, timeZone: string, after: Date): Date | null {
  return cron(schedule, timeZone).nextRun(after);
}

/** The newest slot at or before `at`, or null when there is none. */
export function latestSlot(schedule: string, timeZone: string, at: Date): Date | null {
  const [latest] = cron(schedule, timeZone).previousRuns(1, new Date(at.getTime() + 1));
  return latest ?? null;
}

export interface Scheduled {
  schedule: string;
  timeZone: string;
  /** The newest slot already handled (ISO). */
  handledUntil: string;
}

/** The slot to run now: the newest one at or before `now`, if it is newer than the last handled. */
export function dueSlot(policy: Scheduled, now: Date): Date | null {
  const latest = latestSlot(policy.schedule, policy.timeZone, now);
  return latest && latest.getTime() > Date.parse(policy.handledUntil) ? latest : null;
}

/** When the policy runs next: a due slot not run yet, else the first slot after now. */
export function nextRunAt(policy: Scheduled, now: Date): Date | null {
  return dueSlot(policy, now) ?? nextSlot(policy.schedule, policy.timeZone, now);
}
