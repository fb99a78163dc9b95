import { test as setup, expect } from "@playwright/test";
import { signIn, users } from "../fixtures";

// Signs in once per role and saves the cookies for the other tests.
setup("sign in as admin and create a viewer", async ({ page, browser }) => {
  // The first requests compile nothing but warm a cold server: allow for a slow machine.
  setup.setTimeout(180_000);
  await signIn(page, users.admin);
  await page.context().storageState({ path: users.admin.state });

  // The admin creates the viewer on the Users page (an earlier run may have done it already).
  await page.goto("/users");
  const table = page.getByRole("table", { name: "Users" });
  await expect(table).toBeVisible({ timeout: 60_000 });
  if ((await table.getByText(users.viewer.email, { exact: true }).count()) === 0) {
    await page.getByLabel("Email").fill(users.viewer.email);
    await page.getByLabel("Name").fill("Viewer");
    await page.getByLabel("Initial password").fill(users.viewer.password);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Add user" }).click();
    await expect(page.getByText("User added.")).toBeVisible();
  }

  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();
  await signIn(viewerPage, users.viewer);
  await viewerContext.storageState({ path: users.viewer.state });
  await viewerContext.close();
});
