import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { expect, screenshotDir, test } from "../fixtures";
import { rawClient } from "../support/gateway";

test("the buckets page lists every bucket the gateway has", async ({ page }) => {
  const listed = await rawClient("admin").send(new ListBucketsCommand({}));
  const names = (listed.Buckets ?? []).map((b) => b.Name ?? "");
  expect(names.length).toBeGreaterThan(0);

  await page.goto("/buckets");
  const table = page.getByRole("table", { name: "Buckets" });
  for (const name of names) {
    await expect(table.getByRole("cell", { name, exact: true })).toBeVisible();
  }
  await expect(table.getByRole("row")).toHaveCount(names.length + 1);
  await page.screenshot({ path: `${screenshotDir}/buckets.png`, fullPage: true });
});
