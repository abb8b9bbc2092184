/**
 * The console's Shipping tab (SPEC 17), as an owner changes a rate: its price,
 * its French name and a free-shipping threshold, then Stripe's page (the
 * emulator's) offering it so, and nothing to pay for shipping above it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { signIn } from "./support/admin.ts";
import { seriousViolations } from "./support/axe.ts";
import { useShopper } from "./support/journey.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, adminToken } = stack();

/** The demo's standard USD rate as the seed writes it: what the other test files expect. */
async function restore() {
	await fetch(`${workerUrl}/admin/shipping-rates/usd-standard`, {
		method: "PATCH",
		headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
		body: JSON.stringify({
			amount: 500,
			translations: { fr: { name: "Normale" } },
			freeAbove: null,
		}),
	});
}

describe("the Shipping tab", () => {
	afterAll(restore);
	const shopper = useShopper();

	it("changes a rate's price, French name and free-shipping threshold, and Stripe's page offers it so", async () => {
		const { page } = shopper();
		await signIn(page);
		await page.getByRole("tab", { name: "Shipping" }).click();
		await page.getByRole("button", { name: "Edit Standard (USD)" }).click();
		await expect
			.poll(() => page.locator("#rate-form-heading").textContent())
			.toBe("Edit Standard (USD)");
		await page.locator("#rate-amount").fill("6.50");
		await page.locator("#rate-fr-name").fill("Colissimo");
		await page.locator("#rate-free-above").fill("40");
		expect(await seriousViolations(page)).toEqual([]);
		await page.getByRole("button", { name: "Save rate" }).click();
		await expect
			.poll(() => page.locator("#rate-status").textContent())
			.toContain("Saved: Standard at $6.50, free from $40.00");
		expect(await page.locator("#rates-body").innerText()).toContain("Colissimo");
		await saveScreenshot(page, "admin-shipping");

		const checkout = async (quantity: number) => {
			const res = await fetch(`${workerUrl}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity }], locale: "fr" }),
			});
			expect(res.status).toBe(200);
			return ((await res.json()) as { url: string }).url;
		};
		// $24.00 of beans: the new price, in French.
		await page.goto(await checkout(1));
		const options = page.locator("#shipping-options, fieldset", { hasText: "Colissimo" }).first();
		await options.waitFor();
		expect(await options.innerText()).toMatch(/Colissimo[\s\S]*6,50/);
		// $48.00 of beans: over the threshold, free.
		await page.goto(await checkout(2));
		const free = page.locator("#shipping-options, fieldset", { hasText: "Colissimo" }).first();
		await free.waitFor();
		expect(await free.innerText()).toMatch(/Colissimo · Gratuit/);
	});
});

describe("a rate for one country", () => {
	const shopper = useShopper();
	const id = `usd-fr-${Date.now().toString(36)}`;
	afterAll(() =>
		fetch(`${workerUrl}/admin/shipping-rates/${id}`, {
			method: "PATCH",
			headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
			body: JSON.stringify({ active: false }),
		}),
	);

	it("is created in the console, makes the cart ask where the goods go, and is offered on Stripe's page for it alone", async () => {
		const { page } = shopper();
		await signIn(page);
		await page.getByRole("tab", { name: "Shipping" }).click();
		await page.locator("#rate-id").fill(id);
		await page.locator("#rate-name").fill("Colissimo France");
		await page.locator("#rate-currency").fill("usd");
		await page.locator("#rate-amount").fill("3.90");
		await page.locator("#rate-countries").fill("fr");
		await page.getByRole("button", { name: "Create rate" }).click();
		await expect.poll(() => page.locator("#rate-status").textContent()).toContain("Saved");
		const row = page.locator("#rates-body tr", { hasText: "Colissimo France" });
		expect(await row.innerText()).toContain("FR");

		// The storefront (its identity, rates included, is kept 30 s per isolate: this one saved it).
		await page.goto("/");
		await page.locator("[data-product-id]").first().waitFor();
		await page
			.locator('[data-product-id="espresso-beans"]')
			.getByRole("button", { name: "Add Espresso beans, 1 kg to cart", exact: true })
			.click();
		const shipTo = page.getByLabel("Ship to");
		await shipTo.waitFor();
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "cart-ship-to");

		const offeredFor = async (country: string) => {
			await page.goto("/");
			await page.getByLabel("Ship to").selectOption({ label: country });
			await page.locator("#cart").getByRole("button", { name: "Pay", exact: true }).click();
			await page.waitForURL(/\/pay\/cs_/);
			const options = await page.locator("#shipping-options").innerText();
			const countries = await page.locator("#shipping-country option").allTextContents();
			return { colissimo: options.includes("Colissimo France"), countries };
		};
		expect(await offeredFor("France")).toEqual({ colissimo: true, countries: ["France"] });
		expect(await offeredFor("Canada")).toEqual({ colissimo: false, countries: ["Canada"] });
	});
});
