import { describe, expect, it } from "vitest";
import { dueSlot, latestSlot, nextRunAt, nextSlot, scheduleProblem, timeZoneProblem } from "@/lib/policies/schedule";

const at = (iso: string) => new Date(iso);

describe("scheduleProblem", () => {
  it("accepts 5-field and 6-field (seconds first) cron expressions", () => {
    expect(scheduleProblem("0 2 * * *", "Europe/Paris")).toBeNull();
    expect(scheduleProblem("*/2 * * * * *", "UTC")).toBeNull();
    expect(scheduleProblem("0 0 * * MON", "America/New_York")).toBeNull();
  });

  it("explains what is wrong, with an example of what works", () => {
    expect(scheduleProblem("61 * * * *", "UTC")).toMatch(/^Not a valid cron expression \(.*minute.*61.*\)\. Write 5 fields/);
    expect(scheduleProblem("every night", "UTC")).toMatch(/^Not a valid cron expression/);
    expect(scheduleProblem("* * * * * * *", "UTC")).toMatch(/^Not a valid cron expression/);
    expect(scheduleProblem("", "UTC")).toMatch(/^A schedule is required/);
    expect(scheduleProblem("0 0 30 2 *", "UTC")).toMatch(/never fires/);
  });

  it("leaves an unknown time zone to its own message", () => {
    expect(scheduleProblem("0 2 * * *", "Mars/Olympus")).toBeNull();
    expect(timeZoneProblem("Mars/Olympus")).toMatch(/^Unknown time zone "Mars\/Olympus"/);
    expect(timeZoneProblem("")).toMatch(/^Unknown time zone/);
    expect(timeZoneProblem("Europe/Paris")).toBeNull();
  });
});

describe("slots", () => {
  it("reads the expression in the policy's time zone", () => {
    // 02:00 in Paris is 01:00 UTC in winter, 00:00 UTC in summer.
    expect(nextSlot("0 2 * * *", "Europe/Paris", at("2026-12-03T12:00:00Z"))?.toISOString()).toBe("2026-12-04T01:00:00.000Z");
    expect(nextSlot("0 2 * * *", "Europe/Paris", at("2026-07-03T12:00:00Z"))?.toISOString()).toBe("2026-07-04T00:00:00.000Z");
  });

  it("finds the newest slot at or before a moment, that moment included", () => {
    expect(latestSlot("*/2 * * * * *", "UTC", at("2026-12-03T10:00:05.500Z"))?.toISOString()).toBe("2026-12-03T10:00:04.000Z");
    expect(latestSlot("*/2 * * * * *", "UTC", at("2026-12-03T10:00:04.000Z"))?.toISOString()).toBe("2026-12-03T10:00:04.000Z");
  });

  it("is due once for any number of missed slots: the newest one", () => {
    const policy = { schedule: "0 * * * *", timeZone: "UTC", handledUntil: "2026-12-03T03:00:00.000Z" };
    // Down from 03:10 to 07:30: four slots (04:00 … 07:00) passed; one run, for 07:00.
    expect(dueSlot(policy, at("2026-12-03T07:30:00Z"))?.toISOString()).toBe("2026-12-03T07:00:00.000Z");
    // Once 07:00 is handled, nothing is due until 08:00.
    const handled = { ...policy, handledUntil: "2026-12-03T07:00:00.000Z" };
    expect(dueSlot(handled, at("2026-12-03T07:59:59Z"))).toBeNull();
    expect(dueSlot(handled, at("2026-12-03T08:00:00Z"))?.toISOString()).toBe("2026-12-03T08:00:00.000Z");
  });

  it("says when the next run is: a due slot first, else the next one", () => {
    const policy = { schedule: "0 * * * *", timeZone: "UTC", handledUntil: "2026-12-03T03:00:00.000Z" };
    expect(nextRunAt(policy, at("2026-12-03T03:20:00Z"))?.toISOString()).toBe("2026-12-03T04:00:00.000Z");
    expect(nextRunAt(policy, at("2026-12-03T04:00:30Z"))?.toISOString()).toBe("2026-12-03T04:00:00.000Z");
  });
});
