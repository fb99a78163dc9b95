// What the sign-in page says when the identity provider's callback was refused
// (/login?error=<code>). Plain: only our own sentences are shown, never text from the URL.

const SENTENCES: Record<string, string> = {
  not_in_a_reclaim_group:
    "Your identity provider account is in no group that may use Reclaim, so no Reclaim account was created. Ask an administrator to add you to a Reclaim group.",
  last_admin_demotion:
    "Your identity provider no longer makes you an admin, but you are Reclaim's last active admin, so you were not signed in. Sign in with a break-glass account and make someone else admin first.",
  account_not_linked:
    "Reclaim already has an account with your email, and your identity provider did not confirm that the email is yours (email_verified), so the two were not joined. Ask an administrator.",
  issuer_mismatch: "The answer did not come from the configured identity provider.",
  invalid_code: "The identity provider's sign-in code was not accepted (it may have expired or been used).",
  state_mismatch: "The sign-in could not be matched to one started in this browser.",
  state_not_found: "The sign-in could not be matched to one started in this browser.",
  state_invalid: "The sign-in could not be matched to one started in this browser.",
  please_restart_the_process: "The sign-in could not be matched to one started in this browser.",
  access_denied: "The identity provider did not let you sign in.",
};

/** A sentence for the code, or null when there is none to show. */
export function signInErrorSentence(code: string | undefined): string | null {
  if (!code) return null;
  const known = SENTENCES[code];
  if (known) return `Sign-in refused. ${known} Start again below.`;
  const shown = /^[a-z0-9_]{1,60}$/i.test(code) ? ` (${code})` : "";
  return `Sign-in refused${shown}. Start again below; if it keeps failing, an administrator can find the reason in the server log.`;
}
