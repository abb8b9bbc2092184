/**
 * Paying on our own page (SPEC 16) as a shopper does, in Chromium: /pay.html
 * with the emulator's Stripe.js stand-in and its Payment Element frame, the
 * same Checkout Session as the order's (`ui_mode: "elements"`), in both
 * languages and at both sizes. The checkout is started through the JSON API
 * (the e2e shop's CHECKOUT_UI is hosted), then the page is opened as the
 * payment-failed e-mail's or the cancel page's resume would open it.
 */
import { mailboxClient } from "local-mailbox/client";
import type { Page, Route } from "playwright-core";
import { emulatorClient } from "stripe-emulator/client";
import { describe, expect, it } from "vitest";
import { seriousViolations } from "./support/axe.ts";
import { orderInD1 } from "./support/d1.ts";
import { expectCleanPages, orderFromApi, orderReaches, useShopper } from "./support/journey.ts";
import {
	type Address,
	CARD_DECLINED,
	CARD_OK,
	NEW_YORK,
	onHostedPage,
	PRODUCTS,
	payByCard,
	successPageShows,
} from "./support/shop.ts";
import { type Shopper, saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl, mailboxUrl, persistDir } = stack();
const emulator = emulatorClient(emulatorUrl);

type Checkout = { orderId: string; sessionId: string; resumeToken: string; clientSecret: string };

const PARIS: Address = {
	name: "Jeanne Martin",
	line1: "8 rue de Rivoli",
	city: "Paris",
	postalCode: "75004",
	country: "FR",
	phone: "+33 1 23 45 67 89",
};

/** An on-page checkout of these items, as the storefront would start it. */
async function elementsCheckout(
	items: { productId: string; quantity: number }[],
	locale: "en" | "fr" = "en",
): Promise<Checkout> {
	const res = await fetch(`${workerUrl}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ items, locale, uiMode: "elements" }),
	});
	if (res.status !== 200) throw new Error(`checkout: ${res.status} ${await res.text()}`);
	return (await res.json()) as Checkout;
}

/** Opens the order's payment page and waits for the Payment Element's card field. */
async function openPayPage(page: Page, checkout: Checkout, lang: "en" | "fr" = "en") {
	const query = new URLSearchParams({
		order_id: checkout.orderId,
		token: checkout.resumeToken,
		lang,
	});
	await page.goto(`/pay.html?${query}`);
	await page.locator("#pay-form").waitFor();
	await cardFrame(page).locator("#card-number").waitFor();
}

const cardFrame = (page: Page) => page.frameLocator("#payment-element iframe");

async function fillCard(page: Page, number: string): Promise<void> {
	const frame = cardFrame(page);
	await frame.locator("#card-number").fill(number);
	await frame.locator("#card-expiry").fill("12 / 34");
	await frame.locator("#card-cvc").fill("123");
}

/** The address on our page; the last field's change tells Stripe.js, which prices tax and rates. */
async function fillAddress(page: Page, address: Address): Promise<void> {
	await page.locator("#email").fill("ada@example.com");
	await page.locator("#ship-name").fill(address.name);
	await page.locator("#ship-line1").fill(address.line1);
	await page.locator("#ship-postal-code").fill(address.postalCode);
	await page.locator("#ship-city").fill(address.city);
	await page.locator("#ship-state").fill(address.state ?? "");
	await page.locator("#ship-phone").fill(address.phone);
	await page.locator("#ship-country").selectOption(address.country ?? "US");
	await page.locator("#ship-country").dispatchEvent("change");
}

/** "34,80 $US", with the narrow no-break space French puts before the currency. */
const dollarsInFrench = (amount: number) =>
	new Intl.NumberFormat("fr", { style: "currency", currency: "USD" }).format(amount);

const totalShown = (page: Page) => page.locator("#pay-total").textContent();
const payButton = (page: Page) => page.locator("#pay-button");

/** Nothing went wrong on our pages but what the journey caused on purpose (one kind of console line). */
function expectCleanPagesBut(shopper: Shopper, expected: RegExp): void {
	const problems = shopper.problemsOnOurPages();
	expect(problems.some((p) => expected.test(p.text))).toBe(true);
	expect(problems.filter((p) => !(p.kind === "console" && expected.test(p.text)))).toEqual([]);
}

async function expectTotal(page: Page, text: string): Promise<void> {
	await expect.poll(() => totalShown(page)).toBe(text);
	expect(await payButton(page).textContent()).toContain(text);
}

describe("paying on our page, in English on a desktop", () => {
	const shopper = useShopper();

	it("shows the total change with a promotion code and a shipping rate, then pays 4242 and mails the receipt", async () => {
		const { page } = shopper();
		const email = `pay-${crypto.randomUUID().slice(0, 8)}@example.com`;
		const checkout = await elementsCheckout([
			{ productId: PRODUCTS.espresso.id, quantity: 1 },
			{ productId: PRODUCTS.mug.id, quantity: 1 },
		]);
		await openPayPage(page, checkout);
		// $24 + $18, and the first rate (Standard, $5.00) until another is picked.
		expect(await page.locator("#pay-subtotal").textContent()).toBe("$42.00");
		await expectTotal(page, "$47.00");
		expect(await seriousViolations(page)).toEqual([]);

		await fillAddress(page, NEW_YORK);
		await page.locator("#email").fill(email);
		await page.locator("#promotion-code").fill("NOPE");
		await page.locator("#apply-code").click();
		await expect
			.poll(() => page.locator("#promotion-error").textContent())
			.toBe("This code is not valid for this order.");
		await page.locator("#promotion-code").fill("WELCOME10");
		await page.locator("#apply-code").click();
		// 10 % off the goods, not the shipping: $37.80 + $5.00.
		await expectTotal(page, "$42.80");
		expect(await page.locator("#pay-discount").textContent()).toBe("\u2212$4.20");
		await page.getByRole("radio", { name: /Express/ }).check();
		await expectTotal(page, "$52.80");
		expect(await page.locator("#pay-shipping").textContent()).toBe("$15.00");
		await saveScreenshot(page, "pay-page-en");

		await fillCard(page, CARD_OK);
		await payButton(page).click();
		await successPageShows(page, workerUrl, checkout.sessionId, "paid");
		expect(await orderInD1(persistDir, checkout.orderId)).toMatchObject({
			status: "paid",
			amount: 5280,
		});
		expect(await orderFromApi(checkout.orderId)).toMatchObject({
			amountDiscount: 420,
			amountShipping: 1500,
		});
		const mail = await mailboxClient(mailboxUrl).waitFor({ to: email }, { timeoutMs: 15_000 });
		expect(mail.text).toContain("$52.80");
		// The browser logs the refused code's answer, as it would api.stripe.com's.
		expectCleanPagesBut(shopper(), /status of 400 .*\/promotion_code\)$/);
	});

	it("never charges more than the button said: an address the page had not sent shows its tax first", async () => {
		const { page } = shopper();
		const checkout = await elementsCheckout([{ productId: PRODUCTS.espresso.id, quantity: 1 }]);
		await openPayPage(page, checkout);
		await expectTotal(page, "$29.00");
		// Typed so fast (or autofilled) that no change reached the page before Pay.
		await page.evaluate((address) => {
			const set = (id: string, value: string) => {
				(document.getElementById(id) as HTMLInputElement).value = value;
			};
			set("email", "jeanne@example.com");
			set("ship-name", address.name);
			set("ship-line1", address.line1);
			set("ship-postal-code", address.postalCode);
			set("ship-city", address.city);
			set("ship-phone", address.phone);
			set("ship-country", "FR");
		}, PARIS);
		await fillCard(page, CARD_OK);
		await payButton(page).click();
		await expect
			.poll(() => page.locator("#pay-error").textContent())
			.toBe("With your address, the total is now $34.80: check it, then press Pay again.");
		await expectTotal(page, "$34.80");
		expect((await emulator.session(checkout.sessionId)).status).toBe("open");
		await payButton(page).click();
		await successPageShows(page, workerUrl, checkout.sessionId, "paid");
		expect(await orderInD1(persistDir, checkout.orderId)).toMatchObject({ amount: 3480 });
		expectCleanPages(shopper());
	});

	it("makes one payment of a double click", async () => {
		const { page } = shopper();
		const checkout = await elementsCheckout([{ productId: PRODUCTS.espresso.id, quantity: 1 }]);
		await openPayPage(page, checkout);
		await fillAddress(page, NEW_YORK);
		await fillCard(page, CARD_OK);
		await payButton(page).dblclick();
		await successPageShows(page, workerUrl, checkout.sessionId, "paid");
		const paid = await emulator.events({
			type: "payment_intent.succeeded",
			orderId: checkout.orderId,
		});
		const charges = await emulator.events({ type: "charge.succeeded", orderId: checkout.orderId });
		expect([paid.length, charges.length]).toEqual([1, 1]);
		expectCleanPages(shopper());
	});

	it("says a lost connection on confirm beside the button, and pays on the retry in the same session", async () => {
		const { page } = shopper();
		const checkout = await elementsCheckout([{ productId: PRODUCTS.espresso.id, quantity: 1 }]);
		await openPayPage(page, checkout);
		await fillAddress(page, NEW_YORK);
		await fillCard(page, CARD_OK);
		// The Wi-Fi drops as Pay is pressed: neither the frame's confirm nor the shop is reached.
		const confirmUrl = `${emulatorUrl}/js/checkout/${checkout.sessionId}/confirm`;
		const shopApi = `${workerUrl}/api/orders/**`;
		const drop = (route: Route) => route.abort("internetdisconnected");
		await page.route(confirmUrl, drop);
		await page.route(shopApi, drop);
		await payButton(page).click();
		await expect
			.poll(() => page.locator("#pay-error").textContent())
			.toBe(
				"Your connection was lost. Check it and try again: this order can only be paid once, so you will never be charged twice.",
			);
		expect(await payButton(page).isEnabled()).toBe(true);
		expect((await emulator.session(checkout.sessionId)).status).toBe("open");

		// Only Stripe's side drops: Stripe.js says so, in the page's language.
		await page.unroute(shopApi);
		await payButton(page).click();
		await expect
			.poll(() => page.locator("#pay-error").textContent())
			.toBe("Could not reach the payment service. Check your connection and try again.");

		await page.unroute(confirmUrl);
		await payButton(page).click();
		await successPageShows(page, workerUrl, checkout.sessionId, "paid");
		// The only problems on our pages: the dropped requests'.
		expectCleanPagesBut(shopper(), /ERR_INTERNET_DISCONNECTED/);
	});
});

describe("resuming an on-page checkout from the payment-failed e-mail's link", () => {
	const shopper = useShopper();

	it("reopens the same session on our page from the cancel page, and pays it", async () => {
		const { page } = shopper();
		const checkout = await elementsCheckout([{ productId: PRODUCTS.espresso.id, quantity: 1 }]);
		// A decline made the order failed: the e-mail's "Resume payment" is the cancel page's link.
		await emulator.pay(checkout.sessionId, { card: "4000000000000002" });
		await orderReaches(checkout.orderId, "failed");
		// The shop's CHECKOUT_UI=elements, which this stack (hosted) stands in for in the request.
		await page.route(`${workerUrl}/create-checkout-session`, async (route) => {
			const body = JSON.parse(route.request().postData() ?? "{}");
			await route.continue({ postData: JSON.stringify({ ...body, uiMode: "elements" }) });
		});
		await page.goto(
			`/cancel.html?${new URLSearchParams({ order_id: checkout.orderId, token: checkout.resumeToken })}`,
		);
		await page.getByRole("button", { name: "Try again" }).click();
		await page.waitForURL(`${workerUrl}/pay.html?*`);
		expect(new URL(page.url()).searchParams.get("order_id")).toBe(checkout.orderId);
		await cardFrame(page).locator("#card-number").waitFor();
		await fillAddress(page, NEW_YORK);
		await fillCard(page, CARD_OK);
		await payButton(page).click();
		await page.waitForURL(`${workerUrl}/success.html?*`, { waitUntil: "commit" });
		// Seconds after the decline, the success page never says this payment failed.
		expect(["pending", "paid"]).toContain(
			await page.locator("#status").getAttribute("data-status"),
		);
		// The same Checkout Session: the one the decline was made in.
		await successPageShows(page, workerUrl, checkout.sessionId, "paid");
		expectCleanPages(shopper());
	});
});

describe("two tabs of one checkout", () => {
	const shopper = useShopper();

	it("pays once on Stripe's page in one tab; the other tab's Pay then says the order is paid", async () => {
		const { context, page } = shopper();
		const checkout = await elementsCheckout([{ productId: PRODUCTS.espresso.id, quantity: 1 }]);
		await openPayPage(page, checkout);
		await fillAddress(page, NEW_YORK);
		await fillCard(page, CARD_OK);

		const other = await context.newPage();
		await openPayPage(other, checkout);
		await other.getByRole("button", { name: "Pay on Stripe's secure page" }).click();
		const hostedSession = await onHostedPage(other);
		await payByCard(other, CARD_OK);
		await successPageShows(other, workerUrl, hostedSession, "paid");

		// Back in the first tab, the shopper presses Pay on the page left open.
		await payButton(page).click();
		await page.waitForURL(`${workerUrl}/cancel.html?*`);
		await page.getByRole("heading", { name: "This order is paid." }).waitFor();
		// One charge in all: the hosted order's; the on-page session closed without one.
		const paidOrder = (await other.locator("#order-id").textContent()) ?? "";
		const charged = async (orderId: string) =>
			(await emulator.events({ type: "charge.succeeded", orderId })).length;
		expect([await charged(checkout.orderId), await charged(paidOrder)]).toEqual([0, 1]);
		expect((await emulator.session(checkout.sessionId)).status).toBe("expired");
		await other.close();
	});
});

describe("paying on our page, in French on a phone", () => {
	const shopper = useShopper({
		locale: "fr-FR",
		viewport: { width: 390, height: 844 },
		isMobile: true,
		hasTouch: true,
	});

	it("says a decline in French beside the button, then takes 4242 in the same session", async () => {
		const { page } = shopper();
		const checkout = await elementsCheckout(
			[{ productId: PRODUCTS.espresso.id, quantity: 1 }],
			"fr",
		);
		await openPayPage(page, checkout, "fr");
		expect(await page.locator("h1").textContent()).toBe("Payer votre commande");
		expect(await cardFrame(page).locator("label[for=card-number]").textContent()).toMatch(/carte/i);
		await fillAddress(page, PARIS);
		// France: 20 % on the goods and the shipping, (24 + 5) × 1.2.
		await expectTotal(page, dollarsInFrench(34.8));
		expect(await page.locator("#pay-tax").textContent()).toBe(dollarsInFrench(5.8));
		expect(await seriousViolations(page)).toEqual([]);
		// Nothing wider than the phone (a wider page would widen the layout viewport itself),
		// and the card fields' frame as tall as its fields.
		const fit = await page.evaluate(() => ({
			width: Math.max(document.documentElement.scrollWidth, window.innerWidth),
			frame: document.querySelector("#payment-element iframe")?.getBoundingClientRect().height,
		}));
		expect(fit.width).toBe(390);
		expect(fit.frame).toBeGreaterThan(150);
		expect(fit.frame).toBeLessThan(400);
		await saveScreenshot(page, "pay-page-fr-phone");

		await fillCard(page, CARD_DECLINED);
		await payButton(page).tap();
		await expect
			.poll(() => page.locator("#pay-error").textContent())
			.toBe(
				"Votre banque a refusé le paiement. Rien n'a été débité : vous pouvez réessayer, avec cette carte ou une autre.",
			);
		// One message, the page's: the card frame marks no field for a decline.
		expect(await cardFrame(page).locator("#card-error").textContent()).toBe("");
		await orderReaches(checkout.orderId, "failed");

		await fillCard(page, CARD_OK);
		await payButton(page).tap();
		await successPageShows(page, workerUrl, checkout.sessionId, "paid");
		expect(await page.locator("#status-text").textContent()).toBe("Paiement reçu — merci !");
		expect(await orderInD1(persistDir, checkout.orderId)).toMatchObject({
			status: "paid",
			amount: 3480,
		});
		// The browser logs the decline's answer, as it would api.stripe.com's.
		expectCleanPagesBut(shopper(), /status of 402 .*\/confirm\)$/);
	});
});

describe("the payment page without JavaScript", () => {
	const shopper = useShopper({ javaScriptEnabled: false });

	it("says so and pays the same items on Stripe's hosted page, closing the on-page session", async () => {
		const { page } = shopper();
		const checkout = await elementsCheckout([{ productId: PRODUCTS.espresso.id, quantity: 1 }]);
		await page.goto(
			`/pay.html?${new URLSearchParams({ order_id: checkout.orderId, token: checkout.resumeToken })}`,
		);
		expect(await page.locator("main .alert").first().textContent()).toBe(
			"This page needs JavaScript to take your card here. You can pay for the same items on Stripe's secure page instead, with the button below (a promotion code is entered there again).",
		);
		expect(await page.locator("#pay-form").isVisible()).toBe(false);
		await page.getByRole("button", { name: "Pay on Stripe's secure page" }).click();
		const hostedSession = await onHostedPage(page);
		expect(hostedSession).not.toBe(checkout.sessionId);
		// One cart, one payable session: the on-page one is closed.
		expect((await emulator.session(checkout.sessionId)).status).toBe("expired");
		await payByCard(page, CARD_OK);
		await successPageShows(page, workerUrl, hostedSession, "paid");
		expectCleanPages(shopper());
	});
});
