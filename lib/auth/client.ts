"use client";

import { createAuthClient } from "better-auth/react";

// Same origin as the page; the server mounts Better Auth at /api/auth.
export const authClient = createAuthClient();
