import "server-only";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { fail, ok, type ActionResult } from "@/lib/action-result";
import { ConfigError, publicConfigProblem } from "@/lib/env";
import { KnownError } from "@/lib/errors";
import { errorMessage, logger } from "@/lib/log";
import { hasRole, type Role } from "@/lib/auth/roles";
import { currentUser, type SessionUser } from "@/lib/auth/session";

// Every server action is a public POST endpoint. This wrapper is the only way actions are
// built, so none can skip validation or the session and role check.

export interface ActionContext {
  user: SessionUser;
}

export function defineAction<Schema extends z.ZodType, Output>(
  options: { input: Schema; role: Role },
  handler: (input: z.infer<Schema>, ctx: ActionContext) => Promise<ActionResult<Output>>,
): (rawInput: z.input<Schema>) => Promise<ActionResult<Output>> {
  return async (rawInput) => {
    try {
      const user = await currentUser();
      if (!user) return fail("unauthenticated", "Your session has ended. Sign in again.");
      if (!hasRole(user.role, options.role)) {
        return fail("forbidden", `This needs the ${options.role} role; you are signed in as ${user.role}.`);
      }
      const parsed = options.input.safeParse(rawInput);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => i.message).join(" ");
        return fail("invalid-input", detail || "The request was not valid.");
      }
      return await handler(parsed.data, { user });
    } catch (error) {
      unstable_rethrow(error);
      return failureFromError(error);
    }
  };
}

/** Known failures become a sentence; anything else is a bug, logged on the server only. */
function failureFromError(error: unknown): { ok: false; error: { code: string; message: string } } {
  if (error instanceof ConfigError) {
    // Paths and variable names are for the operator, not for whoever is looking at the page.
    logger().error({ event: "config", error: error.message }, "configuration problem");
    const problem = publicConfigProblem(error);
    return fail(problem.code, problem.message);
  }
  if (error instanceof KnownError) return fail(error.code, error.message);
  logger().error({ event: "server-error", error: errorMessage(error) }, "unexpected error in a server action");
  return fail("internal", "Something went wrong on the server. Check the server log and try again.");
}

export { ok, fail };
