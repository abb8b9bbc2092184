import { describe, expect, it } from "vitest";
import { PARIS } from "../support/constants.ts";
import { orderInD1 } from "./support/d1.ts";
import { expectCleanPages, useShopper } from "./support/journey.ts";
import {
	addToCart,
	CARD_OK,
	fillShipping,
	openStorefront,
	PRODUCTS,
	payByCard,
	pressPay,
	successPageShows,
} from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, persistDir, adminToken } = stack();

/** What the success page lists under the totals, as "term: value" lines. */
async function orderFacts(page: import("playwright-core").Page): Promise<string[]> {
	return page
		.locator("#order-facts dt")
		.evaluateAll((terms) =>
			terms.map((dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent ?? ""}`),
		);
}

describe("a real shop's checkout", () => {
	const shopper = useShopper();

	it("takes a promotion code and express shipping to Paris, and the success page shows the breakdown", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.espresso, 2);
		const sessionId = await pressPay(page);

		// The shop's demo code, as `npm run dev` prints it, applied on Stripe's page.
		await page.locator("#promotion-code").fill("WELCOME10");
		await Promise.all([page.waitForEvent("load"), page.locator("#apply-promotion-code").click()]);
		expect(await page.locator("#discount-amount").textContent()).toBe("−$4.80");
		await fillShipping(page, PARIS);
		const express = page.locator('label[for="shipping-option-1"]');
		expect(await express.textContent()).toMatch(/^\s*Express · \$15\.00/);
		await page.locator("#shipping-option-1").check();
		// The page has no script: its total follows the option once asked.
		await Promise.all([page.waitForEvent("load"), page.locator("#update-total").click()]);
		expect(await page.locator("#total-amount").textContent()).toBe("$69.84");
		await fillShipping(page, PARIS);
		await payByCard(page, CARD_OK);

		await successPageShows(page, workerUrl, sessionId, "paid");
		// $48.00 − 10 % + $15.00 Express, taxed at the emulator's 20 % for France: $11.64.
		expect(await page.locator("#order-subtotal").textContent()).toBe("$48.00");
		expect(await page.locator("#order-discount").textContent()).toBe("−$4.80");
		expect(await page.locator("#order-shipping-label").textContent()).toBe("Shipping (Express)");
		expect(await page.locator("#order-shipping").textContent()).toBe("$15.00");
		expect(await page.locator("#order-tax").textContent()).toBe("$11.64");
		expect(await page.locator("#order-total").textContent()).toBe("$69.84");
		expect(await orderFacts(page)).toEqual([
			"Shipping to: Camille Martin, Paris, France",
			"Confirmation for: a•••@example.com",
			"Paid with: Visa ending in 4242",
			"Receipt: View Stripe's receipt",
		]);
		const orderId = (await page.locator("#order-id").textContent()) ?? "";
		expect(await orderInD1(persistDir, orderId)).toMatchObject({
			status: "paid",
			amount: 6984,
			currency: "usd",
		});
		await saveScreenshot(page, "shop-discount-express-paris");
		expectCleanPages(shopper());

		// The operator ships it; the shopper, back on the page, can follow the parcel.
		const shipped = await fetch(`${workerUrl}/admin/orders/${orderId}/fulfill`, {
			method: "POST",
			headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
			body: JSON.stringify({
				carrier: "La Poste",
				trackingNumber: "6A12345678901",
				trackingUrl: "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901",
			}),
		});
		expect(shipped.status).toBe(200);
		await page.reload();
		await page.locator('#status[data-status="fulfilled"]').waitFor();
		const tracking = page.getByRole("link", { name: "La Poste · 6A12345678901" });
		expect(await tracking.getAttribute("href")).toBe(
			"https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901",
		);
		await saveScreenshot(page, "shop-shipped-tracking");
		expectCleanPages(shopper());
	});

	it("sells a digital product without an address step", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.guide);
		const sessionId = await pressPay(page);
		expect(await page.locator("#shipping-address").count()).toBe(0);
		expect(await page.locator("#shipping-options").count()).toBe(0);
		expect(await page.locator("#total-amount").textContent()).toBe("$9.00");
		await payByCard(page, CARD_OK);

		await successPageShows(page, workerUrl, sessionId, "fulfilled");
		expect(await page.locator("#row-shipping").isHidden()).toBe(true);
		expect(await page.locator("#order-total").textContent()).toBe("$9.00");
		expect((await orderFacts(page)).some((fact) => fact.startsWith("Shipping to"))).toBe(false);
		expectCleanPages(shopper());
	});
});
