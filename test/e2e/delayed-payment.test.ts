import { emulatorClient } from "stripe-emulator/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectCleanPages, orderFromApi, orderReaches, useShopper } from "./support/journey.ts";
import {
	addToCart,
	onHostedPage,
	openStorefront,
	PRODUCTS,
	payByDelayedMethod,
	pressPay,
	successPageShows,
} from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl } = stack();
const emulator = emulatorClient(emulatorUrl);
/** public/js/success.js asks again this often while a payment is processing. */
const PROCESSING_POLL_MS = 15_000;
const EMULATOR_DEFAULT_DELAY_MS = 2_000;

describe("a delayed payment method", () => {
	const shopper = useShopper();
	// Bank debits settle only when the test says so, so "processing" is observed for sure.
	beforeEach(async () => {
		await emulator.setDelayedPaymentMs(10 * 60_000);
	});
	afterEach(async () => {
		await emulator.setDelayedPaymentMs(EMULATOR_DEFAULT_DELAY_MS);
	});

	it("shows processing, then failed with Try again, which starts a new checkout", async () => {
		const { page, context } = shopper();
		// Time flows normally; the test only skips the success page's slow poll while processing.
		await context.clock.install();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.mug);
		const sessionId = await pressPay(page);

		await payByDelayedMethod(page, "failure");
		await successPageShows(page, workerUrl, sessionId, "processing");
		expect(await page.locator("#status-text").textContent()).toMatch(/processing/i);
		expect(await page.locator("#retry").isHidden()).toBe(true);
		const orderId = (await page.locator("#order-id").textContent()) ?? "";

		expect(await emulator.settleDelayedPayments(sessionId)).toEqual({ settled: [sessionId] });
		await orderReaches(orderId, "failed");
		await page.clock.fastForward(PROCESSING_POLL_MS);
		await successPageShows(page, workerUrl, sessionId, "failed");
		const retry = page.getByRole("button", { name: "Try again" });
		await retry.waitFor();
		expect(await page.locator("#status-detail").textContent()).toMatch(/not been charged/);
		await saveScreenshot(page, "delayed-failed");
		expectCleanPages(shopper());

		await retry.click();
		const newSessionId = await onHostedPage(page);
		expect(newSessionId).not.toBe(sessionId);
		// The mug ($18.00) and Standard shipping.
		expect(await page.locator("#total-amount").textContent()).toBe("$23.00");
		const newSession = await emulator.session(newSessionId);
		expect(newSession).toMatchObject({ status: "open", amount_total: 2300, currency: "usd" });
		// A new order for the same cart; the failed one, whose session is closed, is superseded.
		expect(newSession.metadata?.order_id).not.toBe(orderId);
		expect((await orderFromApi(orderId)).status).toBe("canceled");
		await saveScreenshot(page, "delayed-failed-retry");
		expectCleanPages(shopper());
	});
});
