// The formats Reclaim accepts for the names it is given: one rule each, used by the server
// actions' schemas, the S3 calls and the URL parsers. Plain: the browser uses them too.

/** Profile ids: lowercase letters, digits, - and _ (they appear in URLs and the ledger). */
export const PROFILE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const PROFILE_ID_RULE = "Profile ids are lowercase letters, digits, - and _.";

/** Names S3 (or RGW's relaxed rules) could accept; anything else never reaches a URL path. */
export const BUCKET_NAME_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;
export const BUCKET_NAME_RULE = "Bucket names are 1–255 letters, digits, dots, hyphens and underscores.";
