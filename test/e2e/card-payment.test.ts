import { emulatorClient } from "stripe-emulator/client";
import { describe, expect, it } from "vitest";
import { orderInD1 } from "./support/d1.ts";
import { expectCleanPages, orderFromApi, orderReaches, useShopper } from "./support/journey.ts";
import {
	addToCart,
	CARD_DECLINED,
	CARD_OK,
	openStorefront,
	PRODUCTS,
	payByCard,
	pressPay,
	successPageShows,
} from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl, persistDir } = stack();
const emulator = emulatorClient(emulatorUrl);

describe("paying by card", () => {
	const shopper = useShopper();

	it("goes from the storefront through the hosted page to a paid order, as D1 records it", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.espresso, 2);
		await addToCart(page, PRODUCTS.mug);
		expect(await page.locator("#cart-total").textContent()).toBe("$66.00");

		// Stripe's page adds the first shipping rate (Standard, $5.00) to the goods.
		const sessionId = await pressPay(page);
		expect(await page.locator("#total-amount").textContent()).toBe("$71.00");
		await payByCard(page, CARD_OK);

		await successPageShows(page, workerUrl, sessionId, "paid");
		expect(await page.locator("#order-subtotal").textContent()).toBe("$66.00");
		expect(await page.locator("#order-total").textContent()).toBe("$71.00");
		const orderId = (await page.locator("#order-id").textContent()) ?? "";
		expect(await orderInD1(persistDir, orderId)).toMatchObject({
			status: "paid",
			amount: 7100,
			currency: "usd",
		});
		// The paid cart is done with: a new visit starts empty. The page's script empties it once it
		// has run, which the server-rendered "paid" can come before: waited for, not bet on.
		await expect.poll(() => page.evaluate(() => localStorage.getItem("shop.cart.v1"))).toBeNull();
		await saveScreenshot(page, "card-paid");
		expectCleanPages(shopper());
	});

	it("shows a decline, then takes 4242 in the same session: pending → failed → paid", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.pourOver);
		const sessionId = await pressPay(page);
		const payPageUrl = page.url();

		await payByCard(page, CARD_DECLINED);
		expect(page.url()).toBe(payPageUrl);
		expect(await page.locator("#payment-error").textContent()).toMatch(/declined/i);
		expect(await page.locator("#card-number").getAttribute("aria-invalid")).toBe("true");
		// Let the decline reach the shop before the second attempt, as it would between two tries.
		const orderId = (await emulator.session(sessionId)).metadata?.order_id ?? "";
		await orderReaches(orderId, "failed");

		await payByCard(page, CARD_OK);
		await successPageShows(page, workerUrl, sessionId, "paid");
		const order = await orderInD1(persistDir, orderId);
		expect(order?.status).toBe("paid");
		expect(order?.transitions.map((t) => `${t.from_status}→${t.to_status}`)).toEqual([
			"null→pending",
			"pending→failed",
			"failed→paid",
		]);
		await saveScreenshot(page, "decline-then-paid");
		expectCleanPages(shopper());
	});

	it("prices a JPY product as ¥1,500 on the storefront, the hosted page and the receipt", async () => {
		const { page } = shopper();
		await openStorefront(page);
		const card = page.locator(`[data-product-id="${PRODUCTS.matcha.id}"]`);
		expect(await card.locator(".product-price").textContent()).toContain("¥1,500");
		await addToCart(page, PRODUCTS.matcha);
		expect(await page.locator("#cart-total").textContent()).toBe("¥1,500");

		// With Standard shipping in yen (¥600).
		const sessionId = await pressPay(page);
		expect(await page.locator("#total-amount").textContent()).toBe("¥2,100");
		expect(await page.locator("button#pay").textContent()).toBe("Pay ¥2,100");
		await payByCard(page, CARD_OK);

		await successPageShows(page, workerUrl, sessionId, "paid");
		expect(await page.locator("#order-subtotal").textContent()).toBe("¥1,500");
		expect(await page.locator("#order-shipping").textContent()).toBe("¥600");
		expect(await page.locator("#order-total").textContent()).toBe("¥2,100");
		const orderId = (await page.locator("#order-id").textContent()) ?? "";
		// Minor units all the way: 1500 is ¥1,500 at Stripe and in the shop, never ¥15.
		const session = await emulator.session(sessionId);
		expect(session).toMatchObject({
			amount_subtotal: 1500,
			amount_total: 2100,
			currency: "jpy",
			payment_status: "paid",
		});
		expect(session.metadata?.order_id).toBe(orderId);
		expect(await orderFromApi(orderId)).toMatchObject({
			subtotal: 1500,
			amount: 2100,
			currency: "jpy",
		});
		await saveScreenshot(page, "jpy-paid");
		expectCleanPages(shopper());
	});
});
