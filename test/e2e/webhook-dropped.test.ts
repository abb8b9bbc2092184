import { emulatorClient } from "stripe-emulator/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isHandledEventType } from "../../src/domain/handled-events.ts";
import { orderInD1 } from "./support/d1.ts";
import { expectCleanPages, useShopper } from "./support/journey.ts";
import {
	addToCart,
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

describe("a webhook that never arrives", () => {
	const shopper = useShopper();
	let deliveriesBefore = 0;
	beforeEach(async () => {
		// Nothing from an earlier journey may still be on its way.
		await emulator.drain();
		deliveriesBefore = (await emulator.deliveries()).length;
		await emulator.setWebhooks({ mode: "drop" });
	});
	afterEach(async () => {
		await emulator.setWebhooks({ mode: "normal" });
	});

	it("still shows paid, through the success page's sync from Stripe, and D1 agrees", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.espresso);
		const sessionId = await pressPay(page);
		await payByCard(page, CARD_OK);

		await successPageShows(page, workerUrl, sessionId, "paid");
		const orderId = (await page.locator("#order-id").textContent()) ?? "";
		const order = await orderInD1(persistDir, orderId);
		expect(order?.status).toBe("paid");
		expect(order?.transitions.at(-1)).toMatchObject({
			from_status: "pending",
			to_status: "paid",
			source: "success_page",
		});

		// Stripe emitted the events, and not one of them reached the shop.
		const events = await emulator.events({ objectId: sessionId });
		expect(events.map((e) => e.type)).toContain("checkout.session.completed");
		const all = [...events, ...(await emulator.events({ orderId: orderId }))];
		// The shop is sent the events it handles (as `stripe listen --events` and its endpoint are set up).
		const forwarded = all.filter((e) => isHandledEventType(e.type));
		expect(forwarded.map((e) => e.type)).toContain("payment_intent.succeeded");
		for (const event of forwarded) {
			const attempts = await emulator.deliveries(event.id);
			expect(attempts.length, `${event.type} was not even queued`).toBeGreaterThan(0);
			expect(attempts.every((a) => a.note === "dropped" && a.status === null)).toBe(true);
		}
		const newDeliveries = (await emulator.deliveries()).slice(deliveriesBefore);
		expect(newDeliveries.filter((d) => d.note !== "dropped")).toEqual([]);

		await saveScreenshot(page, "webhook-dropped-paid");
		expectCleanPages(shopper());
	});
});
