/**
 * A product's picture, as the owner gives it: created in the console without
 * one (the storefront shows a plain tile, never a broken image or a 404), then
 * a photo uploaded in the console, and the storefront showing it.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
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

describe("a product's picture", () => {
	const shopper = useShopper();

	it("is a plain tile until the owner uploads one in the console, then the storefront shows it", async () => {
		const id = `photo-${randomBytes(3).toString("hex")}`;
		const name = `Photo mug ${id}`;
		const created = await fetch(`${workerUrl}/admin/products`, {
			method: "POST",
			headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
			body: JSON.stringify({ id, name, unitAmount: 1900, currency: "usd" }),
		});
		expect(created.status).toBe(200);

		const { page } = shopper();
		await page.goto("/");
		const card = page.locator(`[data-product-id="${id}"]`);
		await card.waitFor();
		expect(await card.locator("img").count()).toBe(0);
		// The card starts with the tile, then its name: no stray word where the picture would be.
		expect((await card.innerText()).trimStart().startsWith(name)).toBe(true);
		expect(await card.getAttribute("class")).not.toContain("has-image");
		// The tile is the picture's size, not a strip.
		const tile = await card.evaluate((el) => getComputedStyle(el, "::before").aspectRatio);
		expect(tile).toBe("8 / 5");

		await signIn(page);
		await page.getByRole("tab", { name: "Catalog" }).click();
		await page
			.locator(`#catalog-body tr[data-product-id="${id}"]`)
			.getByRole("button", { name: `Manage ${name}`, exact: true })
			.click();
		await page.locator("#product-heading", { hasText: name }).waitFor();
		expect(await page.locator("#product-image-now").textContent()).toContain("plain tile");
		// Not a picture: refused beside the field, before anything is sent.
		await page.getByLabel("New picture").setInputFiles({
			name: "notes.txt",
			mimeType: "text/plain",
			buffer: Buffer.from("hello"),
		});
		await page.getByRole("button", { name: "Upload picture" }).click();
		await expect
			.poll(() => page.locator("#product-image-error").textContent())
			.toBe("Choose a JPEG, PNG or WebP picture.");
		// Named .png, but not one: the worker's refusal, beside the same field.
		await page.getByLabel("New picture").setInputFiles({
			name: "fake.png",
			mimeType: "image/png",
			buffer: Buffer.from("not a picture"),
		});
		await page.getByRole("button", { name: "Upload picture" }).click();
		await expect
			.poll(() => page.locator("#product-image-error").textContent())
			.toContain("not a JPEG, PNG or WebP picture");

		await page.getByLabel("New picture").setInputFiles({
			name: "mug.png",
			mimeType: "image/png",
			buffer: PNG,
		});
		await page.getByRole("button", { name: "Upload picture" }).click();
		await expect
			.poll(() => page.locator("#product-image-status").textContent())
			.toContain("Uploaded");
		const shown = page.locator("#product-image-now img");
		expect(await shown.getAttribute("src")).toMatch(
			/^\/media\/products\/photo-[0-9a-f]+\/[0-9a-f]{32}\.png$/,
		);
		// The list says what French shoppers would miss; the edit form gives it its French name.
		const row = page.locator(`#catalog-body tr[data-product-id="${id}"]`);
		expect(await row.locator(".catalog-note").textContent()).toBe("No French name yet");
		await page.locator("#edit-fr-name").fill(`Mug photo ${id}`);
		await page.getByRole("button", { name: "Save changes" }).click();
		await expect
			.poll(() => page.locator("#edit-product-status").textContent())
			.toBe("Saved: French.");
		expect(await row.locator(".catalog-note").count()).toBe(0);
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-product-picture");

		await page.goto("/");
		const img = card.locator("img.product-image");
		await img.scrollIntoViewIfNeeded();
		await expect
			.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth))
			.toBeGreaterThan(0);
		expect(await img.getAttribute("alt")).toBe(name);
		// In French, its French name.
		await page.goto("/?lang=fr");
		await card.locator(".product-name").waitFor();
		expect(await card.locator(".product-name").textContent()).toBe(`Mug photo ${id}`);
		// Clean but for the worker's 415 the fake picture got on purpose.
		expect(
			shopper()
				.problemsOnOurPages()
				.filter((p) => !/status of 415/.test(p.text)),
		).toEqual([]);

		// Out of the shop again, for the other files' lists.
		await fetch(`${workerUrl}/admin/products/${id}`, {
			method: "PATCH",
			headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
			body: JSON.stringify({ active: false }),
		});
	});
});
