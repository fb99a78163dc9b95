import { test as setup, expect } from "@playwright/test";
import { signIn, users } from "../fixtures";

// Signs in once per role and saves the cookies for the other tests.
setup("sign in as admin and create a viewer", async ({ page, browser, request, baseURL }) => {
  // The first requests compile nothing but warm a cold server: allow for a slow machine.
  setup.setTimeout(180_000);
  await signIn(page, users.admin);
  await page.context().storageState({ path: users.admin.state });

  // The admin creates the viewer through Better Auth's admin API, as the Users page does.
  const cookies = await page.context().cookies();
  const response = await request.post(`${baseURL}/api/auth/admin/create-user`, {
    headers: {
      cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "),
      origin: baseURL ?? "",
    },
    data: { email: users.viewer.email, password: users.viewer.password, name: "Viewer", role: "viewer" },
  });
  expect([200, 400, 422]).toContain(response.status()); // 400/422: exists from an earlier run

  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();
  await signIn(viewerPage, users.viewer);
  await viewerContext.storageState({ path: users.viewer.state });
  await viewerContext.close();
});
