/**
 * The success page shows everything Stripe reported for a paid order (the
 * e-mail it was paid with, the card, the receipt) whichever of Stripe's events
 * arrives first, and when the details arrive after the status: with JavaScript
 * (the page asks the API and reloads) and without (the page refreshes itself).
 * The shopper pays on the emulator's page; Stripe's events are held, then
 * delivered one by one, signed, in the order each journey says.
 */
import type { Page } from "playwright-core";
import { emulatorClient } from "stripe-emulator/client";
import { describe, expect, it } from "vitest";
import { expectCleanPages, holdWebhooks, useShopper } from "./support/journey.ts";
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
import { type Shopper, saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl } = stack();
const emulator = emulatorClient(emulatorUrl);

/** Delivers one held event to the shop, signed, as Stripe would. */
async function deliver(type: string, sessionId: string, orderId: string): Promise<void> {
	const [event] = [
		...(await emulator.events({ objectId: sessionId, type })),
		...(await emulator.events({ orderId, type })),
	];
	if (!event) throw new Error(`no ${type} for ${sessionId}`);
	const res = await fetch(`${emulatorUrl}/_emulator/events/${event.id}/deliver`, {
		method: "POST",
	});
	expect(((await res.json()) as { status: number }).status).toBe(200);
}

/** Stripe answers the shop's look-ups of this session with 500 until `clearFaults`. */
const sessionLookupsFail = (sessionId: string) =>
	emulator.addFault({ match: `GET /v1/checkout/sessions/${sessionId}`, status: 500, count: 1000 });

/** What the page shows of the payment: the address hint, the card and the receipt link. */
async function shownDetails(page: Page) {
	const facts = (await page.locator("#order-facts").textContent()) ?? "";
	return {
		email: facts.includes("a•••@example.com"),
		card: facts.includes("Visa ending in 4242"),
		receipt: (await page.getByRole("link", { name: "View Stripe's receipt" }).count()) === 1,
	};
}

async function detailsAppear(page: Page, timeout: number) {
	await expect
		.poll(() => shownDetails(page), { timeout, interval: 250 })
		.toEqual({ email: true, card: true, receipt: true });
}

/**
 * The e-book is bought on the hosted page while Stripe's events are held and
 * the shop cannot look the session up: the page shows the payment pending.
 * Once paid it is delivered (fulfilled) by its download link.
 */
async function paidWithEventsHeld(shopper: Shopper, javaScriptEnabled: boolean) {
	const { page } = shopper;
	let sessionId: string;
	if (javaScriptEnabled) {
		await openStorefront(page);
		await addToCart(page, PRODUCTS.guide);
		sessionId = await pressPay(page);
	} else {
		// Without JavaScript the storefront sells one product at a time, by its "Buy now" form.
		await page.goto("/");
		await page.getByRole("button", { name: `Buy ${PRODUCTS.guide.name} now` }).click();
		sessionId = await onHostedPage(page);
	}
	await sessionLookupsFail(sessionId);
	await payByCard(page, CARD_OK);
	await page.waitForURL(`${workerUrl}/success.html?session_id=${sessionId}`);
	await page.locator('#status[data-status="pending"]').waitFor();
	const orderId = (await page.locator("#order-id").textContent()) ?? "";
	return { page, sessionId, orderId };
}

for (const javaScriptEnabled of [true, false]) {
	// Without JavaScript the page refreshes itself every 5 s while something may still change.
	const timeout = javaScriptEnabled ? 15_000 : 20_000;
	describe(`the success page ${javaScriptEnabled ? "with" : "without"} JavaScript`, () => {
		const shopper = useShopper({ javaScriptEnabled });
		holdWebhooks();

		it("shows the card, receipt and address when the PaymentIntent's event came first and the details after it", async () => {
			const { page, sessionId, orderId } = await paidWithEventsHeld(shopper(), javaScriptEnabled);
			// The payment's event arrives while Stripe cannot be asked about the session: paid, no details.
			await deliver("payment_intent.succeeded", sessionId, orderId);
			await page.locator('#status[data-status="fulfilled"]').waitFor({ timeout });
			expect(await shownDetails(page)).toEqual({ email: false, card: false, receipt: false });
			// Then Stripe answers again, and the session's own event arrives: the page catches up by itself.
			await emulator.clearFaults();
			await deliver("checkout.session.completed", sessionId, orderId);
			await detailsAppear(page, timeout);
			await saveScreenshot(page, `success-details-late-${javaScriptEnabled ? "js" : "nojs"}`);
			expectCleanPages(shopper());
		});

		it("shows them when the session's event came first", async () => {
			const { page, sessionId, orderId } = await paidWithEventsHeld(shopper(), javaScriptEnabled);
			await emulator.clearFaults();
			await deliver("checkout.session.completed", sessionId, orderId);
			await page.locator('#status[data-status="fulfilled"]').waitFor({ timeout });
			await detailsAppear(page, timeout);
			await deliver("payment_intent.succeeded", sessionId, orderId);
			expect(await shownDetails(page)).toEqual({ email: true, card: true, receipt: true });
			expectCleanPages(shopper());
		});
	});
}

describe("the success page on a phone", () => {
	const shopper = useShopper({ viewport: { width: 390, height: 844 } });

	it("wraps a long address only before its @ or after a dot of its domain, never inside a word", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.guide);
		const sessionId = await pressPay(page);
		await page.locator("#email").fill("margaret.hamilton@apollo-guidance-computer.example.org");
		await page.locator("#card-number").fill(CARD_OK);
		await page.locator("#card-expiry").fill("12 / 34");
		await page.locator("#card-cvc").fill("123");
		await Promise.all([page.waitForEvent("load"), page.locator("button#pay").click()]);
		await page.waitForURL(`${workerUrl}/success.html?session_id=${sessionId}`);
		await page.locator("#order-facts .address-text").waitFor({ timeout: 15_000 });
		// Each rendered line of the address, as the reader sees it.
		const lines = await page.locator("#order-facts .address-text").evaluate((el) => {
			const text = el.textContent ?? "";
			const range = document.createRange();
			const tops: number[] = [];
			let offset = 0;
			for (const node of [...el.childNodes]) {
				for (let i = 0; i < (node.textContent ?? "").length; i++) {
					if (node.nodeType !== Node.TEXT_NODE) continue;
					range.setStart(node, i);
					range.setEnd(node, i + 1);
					tops[offset + i] = Math.round(range.getBoundingClientRect().top);
				}
				offset += (node.textContent ?? "").length;
			}
			const out: string[] = [];
			for (let i = 0; i < text.length; i++) {
				const char = text[i] ?? "";
				if (i === 0 || tops[i] !== tops[i - 1]) out.push(char);
				else out.push(`${out.pop() ?? ""}${char}`);
			}
			return out;
		});
		expect(lines.join("")).toBe("m•••@apollo-guidance-computer.example.org");
		expect(lines.length).toBeGreaterThan(1);
		for (const line of lines.slice(0, -1)) expect(line).toMatch(/(\.|•)$/);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			390,
		);
		expectCleanPages(shopper());
	});

	it("keeps the order's lines inside their card in French, where amounts are longest", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.espresso, 2);
		await addToCart(page, PRODUCTS.pourOver);
		const sessionId = await pressPay(page);
		await payByCard(page, CARD_OK);
		await successPageShows(page, workerUrl, sessionId, "paid");
		await page.goto(`/success.html?session_id=${sessionId}&lang=fr`);
		const overflow = await page.locator("#order").evaluate((panel) => {
			const padding = Number.parseFloat(getComputedStyle(panel).paddingRight);
			const inner = panel.getBoundingClientRect().right - padding;
			const table = panel.querySelector("table")?.getBoundingClientRect();
			return {
				right: (table?.right ?? Number.POSITIVE_INFINITY) - inner,
				width: table?.width ?? 0,
			};
		});
		expect(overflow.width).toBeGreaterThan(0);
		expect(overflow.right).toBeLessThanOrEqual(0);
		expectCleanPages(shopper());
	});
});
