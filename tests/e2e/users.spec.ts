import { expect, screenshotDir, test, users } from "../fixtures";

test("an admin adds a user and changes their role", async ({ page }) => {
  const email = `ops-${Date.now()}@reclaim.test`;
  await page.goto("/users");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill("Ops Person");
  await page.getByLabel("Initial password").fill("ops-password-1");
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText("User added.")).toBeVisible();

  const role = page.getByLabel(`Role of ${email}`);
  await expect(role).toHaveValue("viewer");
  await role.selectOption("admin");
  await page.reload();
  await expect(page.getByLabel(`Role of ${email}`)).toHaveValue("admin");
  await page.screenshot({ path: `${screenshotDir}/users.png`, fullPage: true });
});

test.describe("as a viewer", () => {
  test.use({ storageState: users.viewer.state });

  test("user management is not offered", async ({ page }) => {
    await page.goto("/users");
    await expect(page.getByText("Admins only")).toBeVisible();
    await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  });
});
