/**
 * The console's Shop tab (SPEC 17), as an owner makes the shop theirs: a
 * refusal beside its field, then the name, contact, legal lines and colour
 * saved, and the storefront in both languages showing them at once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { signIn } from "./support/admin.ts";
import { seriousViolations } from "./support/axe.ts";
import { useShopper } from "./support/journey.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, adminToken } = stack();

/** The identity the other test files expect: wrangler.toml's name, no contact. */
async function restore() {
	await fetch(`${workerUrl}/admin/shop`, {
		method: "PUT",
		headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
		body: JSON.stringify({ name: "Bean & Leaf" }),
	});
}

describe("the Shop tab", () => {
	afterAll(restore);

	// The phone's pass runs second: it finds what the first one saved.
	for (const [viewport, before] of [
		[
			{ width: 1280, height: 800 },
			{ name: "Bean & Leaf", saved: false },
		],
		[
			{ width: 390, height: 844 },
			{ name: "Maison Kōhī", saved: true },
		],
	] as const) {
		describe(`${viewport.width}×${viewport.height}`, () => {
			const shopper = useShopper({ viewport });

			it("refuses an unreadable colour beside its field, then names the shop everywhere once saved", async () => {
				const { page } = shopper();
				await signIn(page);
				await page.getByRole("tab", { name: "Shop" }).click();
				const name = page.getByLabel("Shop name");
				await expect.poll(() => name.inputValue()).toBe(before.name);
				// Before the first save the console says where the name comes from (another file's
				// logo upload may have saved the identity already: the API says whether it was).
				const saved = await fetch(`${workerUrl}/admin/shop`, {
					headers: { authorization: `Bearer ${adminToken}` },
				}).then((r) => r.json() as Promise<{ updatedAt: string | null }>);
				expect(before.saved || saved.updatedAt !== null).toBe(saved.updatedAt !== null);
				expect((await page.locator("#shop-status").textContent())?.includes("Not saved yet")).toBe(
					saved.updatedAt === null,
				);

				await name.fill("Maison Kōhī");
				await page.getByLabel("Contact e-mail").fill("bonjour@kohi.example");
				await page.getByLabel("Legal name").fill("Kōhī SAS");
				await page.getByLabel("Legal address").fill("12 rue des Lilas\n75011 Paris");
				await page.getByLabel("Accent colour").fill("#ffd700");
				await page.getByRole("button", { name: "Save the shop" }).click();
				// The API's refusal, beside the field it names, and the keyboard taken there.
				const error = page.locator("#shop-accent-color-error");
				await expect
					.poll(() => error.textContent())
					.toContain("Too light: white text on it must be readable");
				expect(await page.getByLabel("Accent colour").getAttribute("aria-invalid")).toBe("true");
				expect(await page.evaluate(() => document.activeElement?.id)).toBe("shop-accent-color");
				expect(await seriousViolations(page)).toEqual([]);

				await page.getByLabel("Accent colour").fill("#1f4e79");
				await page.getByRole("button", { name: "Save the shop" }).click();
				await expect.poll(() => page.locator("#shop-form-status").textContent()).toContain("Saved");
				expect(await error.textContent()).toBe("");
				await saveScreenshot(page, `admin-shop-${viewport.width}`);

				await page.goto("/?lang=fr");
				await page.locator("[data-product-id]").first().waitFor();
				expect(await page.title()).toBe("Maison Kōhī — boutique");
				expect(await page.locator(".site-header .brand").textContent()).toBe("Maison Kōhī");
				expect(await page.locator(".site-footer").innerText()).toContain(
					"Kōhī SAS · 12 rue des Lilas, 75011 Paris",
				);
				const contact = page.locator(".site-footer a[href='mailto:bonjour@kohi.example']");
				expect(await contact.textContent()).toBe("Contact : bonjour@kohi.example");
				// The owner's colour on the Pay button's background, from /theme.css.
				const accent = await page.evaluate(() =>
					getComputedStyle(document.documentElement).getPropertyValue("--accent").trim(),
				);
				expect(accent).toBe("#1f4e79");
				expect(await seriousViolations(page)).toEqual([]);
				await saveScreenshot(page, `storefront-owner-${viewport.width}`);
			});
		});
	}
});
