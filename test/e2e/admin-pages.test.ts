/**
 * The console's Pages tab and the Shop tab's logo (SPEC 17), as an owner
 * writes the shop's terms of sale from the draft and gives it a logo: the
 * published page in both languages, its link in every footer, the logo in
 * every header.
 */
import { afterAll, describe, expect, it } from "vitest";
import { signIn } from "./support/admin.ts";
import { seriousViolations } from "./support/axe.ts";
import { useShopper } from "./support/journey.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, adminToken } = stack();
/** A real 1×1 PNG, so the browser decodes it. */
const PNG = Buffer.from(
	"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
	"base64",
);

const asOwner = (path: string, method: string, body?: unknown) =>
	fetch(`${workerUrl}/admin${path}`, {
		method,
		headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});

describe("the Pages tab", () => {
	// What the other test files expect: no pages, no logo.
	afterAll(async () => {
		await asOwner("/pages/terms", "PUT", { en: "", fr: "" });
		await asOwner("/shop/logo", "DELETE");
	});
	const shopper = useShopper();

	it("writes the terms of sale from the draft, publishes them in both languages and links them from every footer", async () => {
		const { page } = shopper();
		await signIn(page);
		await page.getByRole("tab", { name: "Pages" }).click();
		const state = page.locator("#page-terms-state");
		await expect.poll(() => state.textContent()).toContain("Not published");
		expect(await page.locator("#pages-terms-note").textContent()).toContain("REQUIRE_TERMS is off");

		await page.locator("#page-terms-draft").click();
		const english = page.locator("#page-terms-en");
		await expect.poll(() => english.inputValue()).toContain("DRAFT to review");
		// The shop's own name is in the draft, not a placeholder.
		expect(await english.inputValue()).toContain("Bean & Leaf");
		expect(await english.inputValue()).not.toContain("{seller}");
		// Saved as drafted, it is refused: a draft is never published.
		await page.getByRole("button", { name: "Save page" }).first().click();
		await expect
			.poll(() => page.locator("#page-terms-en-error").textContent())
			.toContain("This text is still a draft");
		expect(await state.textContent()).toContain("Not published");
		// The owner deletes the draft's first line and writes what it leaves to complete.
		for (const lang of ["en", "fr"]) {
			const field = page.locator(`#page-terms-${lang}`);
			const text = await field.inputValue();
			const written = text
				.split("\n")
				.slice(2)
				.join("\n")
				.replace(
					/\((to complete|à compléter)[^)]*\)/g,
					"Médiateur du e-commerce, mediateurfevad.fr",
				)
				// No contact e-mail in the Shop tab yet: the draft left a gap for it too.
				.replace(/\((your contact e-mail|votre adresse de contact)\)/g, "bonjour@shop.example");
			await field.fill(written);
		}
		expect(await seriousViolations(page)).toEqual([]);
		await page.getByRole("button", { name: "Save page" }).first().click();
		await expect.poll(() => state.textContent()).toContain("Published at /pages/terms");
		await saveScreenshot(page, "admin-pages");

		await page.goto("/pages/terms?lang=fr");
		expect(await page.locator("h1").textContent()).toBe("Conditions générales de vente");
		expect(await page.locator("#page-text h2").first().textContent()).toBe("Le vendeur");
		expect(await page.locator("#page-text").innerText()).not.toContain("BROUILLON");
		expect(await seriousViolations(page)).toEqual([]);
		await page.goto("/?lang=en");
		const link = page.locator(".site-footer a[href='/pages/terms']");
		expect(await link.textContent()).toBe("Terms of sale");
		await link.click();
		await page.waitForURL("**/pages/terms");
		expect(await page.locator("h1").textContent()).toBe("Terms of sale");
	});

	it("gives the shop a logo, shown in every header, and takes it back", async () => {
		const { page } = shopper();
		await signIn(page);
		await page.getByRole("tab", { name: "Shop" }).click();
		await expect.poll(() => page.locator("#shop-logo-now").textContent()).toContain("No logo");
		await page.getByLabel("New logo").setInputFiles({
			name: "logo.png",
			mimeType: "image/png",
			buffer: PNG,
		});
		await page.getByRole("button", { name: "Upload logo" }).click();
		await expect.poll(() => page.locator("#shop-logo-status").textContent()).toContain("Uploaded");
		const src = await page.locator("#shop-logo-now img").getAttribute("src");
		expect(src).toMatch(/^\/media\/shop\/[0-9a-f]{32}\.png$/);

		await page.goto("/");
		expect(await page.locator(".site-header .brand img").getAttribute("src")).toBe(src);
		const decoded = await page
			.locator(".site-header .brand img")
			.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
		expect(decoded).toBe(true);

		// Still signed in (the tab keeps the token for its session).
		await page.goto("/admin.html");
		await page.getByRole("tab", { name: "Shop" }).click();
		await page.getByRole("button", { name: "Use the shop's mark instead" }).click();
		await expect.poll(() => page.locator("#shop-logo-status").textContent()).toContain("Removed");
		await page.goto("/");
		expect(await page.locator(".site-header .brand img").getAttribute("src")).toBe("/favicon.svg");
	});
});
