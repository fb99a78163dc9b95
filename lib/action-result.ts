// The shape every server action returns. Plain data only: it crosses to the browser.

export interface ActionError {
  code: string;
  message: string;
}

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

export function ok<T>(data: T): ActionResult<T> {
  return { ok: true, data };
}

export function fail(code: string, message: string): { ok: false; error: ActionError } {
  return { ok: false, error: { code, message } };
}

/** For TanStack Query: a failed result becomes a thrown Error so onError/isError run. */
export class ActionFailure extends Error {
  constructor(readonly error: ActionError) {
    super(error.message);
    this.name = "ActionFailure";
  }
}

export function unwrap<T>(result: ActionResult<T>): T {
  if (!result.ok) throw new ActionFailure(result.error);
  return result.data;
}

/** Failures that retrying or polling will not fix: stop asking until the user acts. */
export function isPermanentFailure(error: unknown): boolean {
  return (
    error instanceof ActionFailure &&
    ["unauthenticated", "forbidden", "unknown-profile", "invalid-input", "config"].includes(
      error.error.code,
    )
  );
}
