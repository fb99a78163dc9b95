// The one error convention: lib throws a KnownError (or a subclass) for a failure the person
// can act on; its code is for the browser, its message is shown as it is. Server actions
// turn it into { ok: false } in one place (failureFromError in lib/safe-action.ts); any
// other error is a bug, logged on the server and never shown.

export class KnownError extends Error {
  override name = "KnownError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
