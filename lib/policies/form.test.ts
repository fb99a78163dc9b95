import { describe, expect, it } from "vitest";
import { emptyPolicyForm, formFromPolicy, policyFromForm, type PolicyForm } from "@/lib/policies/form";

function form(patch: Partial<PolicyForm> = {}, filter: Partial<PolicyForm["filter"]> = {}): PolicyForm {
  const base = emptyPolicyForm("local", ["ops-slack"]);
  return { ...base, name: "nightly-logs", ...patch, filter: { ...base.filter, buckets: ["reclaim-logs"], ...filter } };
}

describe("policyFromForm", () => {
  it("builds the policy: the bulk filter, schedule, mode, caps and webhooks", () => {
    const parsed = policyFromForm(form({ mode: "abort", schedule: " 0  3 * * * ", timeZone: "Europe/Paris", maxUploads: "1,000", maxSize: "2TiB" }));
    expect(parsed).toEqual({
      ok: true,
      input: {
        name: "nightly-logs",
        profileId: "local",
        selection: {
          profileId: "local",
          buckets: ["reclaim-logs"],
          olderThanMs: 7 * 86_400_000,
          idleForMs: 3 * 86_400_000,
          activeWithinMinutes: 60,
        },
        schedule: "0 3 * * *",
        timeZone: "Europe/Paris",
        mode: "abort",
        maxUploads: 1000,
        maxBytes: 2 * 1024 ** 4,
        notifyAbove: 0,
        webhooks: ["ops-slack"],
      },
    });
  });

  it("round-trips through the edit form", () => {
    const parsed = policyFromForm(form({ notifyAbove: "25" }, { key: "tmp/", keyMatch: "prefix", minSize: "100MiB", active: "30" }));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const again = policyFromForm(formFromPolicy(parsed.input));
    expect(again).toEqual(parsed);
  });

  it("names each bad field: cron, time zone, caps of 0, filter fields, name", () => {
    const parsed = policyFromForm(
      form({ name: "", schedule: "61 * * * *", timeZone: "Mars/Olympus", maxUploads: "0", maxSize: "0", notifyAbove: "-1" }, { idle: "soon" }),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.name).toMatch(/name is required/);
    expect(parsed.errors.timeZone).toMatch(/Unknown time zone "Mars\/Olympus"/);
    expect(parsed.errors.maxUploads).toMatch(/at least 1 upload: a cap of 0/);
    expect(parsed.errors.maxSize).toMatch(/more than 0 bytes: a cap of 0/);
    expect(parsed.errors.notifyAbove).toMatch(/whole number/);
    expect(parsed.errors.idle).toMatch(/duration like/);
    // The time zone is wrong, so the expression is not judged in it.
    expect(parsed.errors.schedule).toBeUndefined();
    expect(policyFromForm(form({ schedule: "61 * * * *" }))).toMatchObject({ ok: false, errors: { schedule: expect.stringMatching(/minute/) } });
  });

  it("refuses an abort policy without an activity window: it must never abort an active upload", () => {
    expect(policyFromForm(form({ mode: "abort" }, { active: "0" }))).toMatchObject({ ok: false, errors: { active: expect.stringMatching(/at least 1 minute/) } });
    expect(policyFromForm(form({ mode: "report" }, { active: "0" })).ok).toBe(true);
  });

  it("refuses names that would garble the ledger's who", () => {
    expect(policyFromForm(form({ name: 'bad "name"' }))).toMatchObject({ ok: false, errors: { name: expect.stringMatching(/letters, digits/) } });
    expect(policyFromForm(form({ name: "x".repeat(65) })).ok).toBe(false);
  });
});
