import { describe, expect, it } from "vitest";
import { expectCleanPages, orderFromApi, useShopper } from "./support/journey.ts";
import {
	addToCart,
	CARD_OK,
	onHostedPage,
	openStorefront,
	PRODUCTS,
	payByCard,
	pressPay,
	successPageShows,
} from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl } = stack();

describe("canceling on the hosted page", () => {
	const shopper = useShopper();

	it("lands on the cancel page, resumes the same Checkout Session and pays it", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.espresso);
		await addToCart(page, PRODUCTS.pourOver);
		const sessionId = await pressPay(page);
		const payPageUrl = page.url();

		await page.locator("a#back").click();
		await page.waitForURL(`${workerUrl}/cancel.html?*`);
		const orderId = new URL(page.url()).searchParams.get("order_id") ?? "";
		expect((await orderFromApi(orderId)).status).toBe("pending");
		// Back is not a cancellation: the session is still open, and nothing was charged.
		await page
			.getByRole("heading", { name: /You left the payment page — nothing was charged/ })
			.waitFor();
		expect(await page.locator("#cancel-summary").textContent()).toBe("2 items · $69.00");
		expect(await page.locator("#back-to-cart").getAttribute("href")).toBe("/");

		await page.getByRole("button", { name: "Resume payment" }).click();
		expect(await onHostedPage(page)).toBe(sessionId);
		expect(page.url()).toBe(payPageUrl);

		await payByCard(page, CARD_OK);
		await successPageShows(page, workerUrl, sessionId, "paid");
		expect(await page.locator("#order-id").textContent()).toBe(orderId);
		// $69.00 of goods and Standard shipping.
		expect(await page.locator("#order-total").textContent()).toBe("$74.00");
		await saveScreenshot(page, "cancel-resume-paid");
		expectCleanPages(shopper());
	});
});
