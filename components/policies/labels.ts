import type { Tone } from "@/lib/outcomes";
import type { DeliveryStatus, RunStatus, RunTrigger } from "@/lib/policies/types";

// How runs, triggers and deliveries read on the policies page.

export const RUN_STATUSES: Record<RunStatus, { label: string; tone: Tone }> = {
  running: { label: "Running", tone: "info" },
  reported: { label: "Reported", tone: "info" },
  done: { label: "Done", tone: "success" },
  "finished-with-failures": { label: "Finished with problems", tone: "warning" },
  capped: { label: "Stopped at the cap", tone: "warning" },
  stopped: { label: "Stopped", tone: "neutral" },
  failed: { label: "Failed", tone: "danger" },
  interrupted: { label: "Interrupted", tone: "warning" },
};

export const TRIGGERS: Record<RunTrigger, string> = {
  schedule: "Scheduled",
  missed: "Missed slot (ran at start-up)",
  manual: "Run now",
};

export const DELIVERY_STATUSES: Record<DeliveryStatus, { label: string; tone: Tone }> = {
  sending: { label: "Sending", tone: "info" },
  retrying: { label: "Retrying", tone: "warning" },
  delivered: { label: "Delivered", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
};
