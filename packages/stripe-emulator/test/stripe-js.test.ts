import vm from "node:vm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PROMOTION_CODES } from "../src/server.ts";
import type { SessionView } from "../src/stripe-js/session-view.ts";
import {
	eventTypesFor,
	sessionParams,
	startTestEmulator,
	type TestEmulator,
} from "./helpers/emulator.ts";
import { shopSessionParams } from "./helpers/shop-session.ts";
import { type StripeJsPage, stripeJsPage } from "./helpers/stripe-js-page.ts";
import {
	type ReceivedWebhook,
	startWebhookReceiver,
	type WebhookReceiver,
} from "./helpers/webhook-receiver.ts";

const WEBHOOK_SECRET = "whsec_stripe_js_test";
const RETURN_URL = "https://shop.test/success.html?session_id={CHECKOUT_SESSION_ID}";
const FUTURE_EXPIRY = `12 / ${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, "0")}`;
const CARD_OK = { number: "4242 4242 4242 4242", expiry: FUTURE_EXPIRY, cvc: "123" };
const CARD_DECLINED = { ...CARD_OK, number: "4000 0000 0000 0002" };
const ADDRESS = {
	name: "Ada Lovelace",
	address: {
		line1: "10 Rue de la Paix",
		line2: null,
		city: "Paris",
		postal_code: "75002",
		state: null,
		country: "FR",
	},
};

let test: TestEmulator;
let receiver: WebhookReceiver;
beforeAll(async () => {
	receiver = await startWebhookReceiver();
	test = await startTestEmulator({
		webhookUrl: receiver.url,
		webhookSecret: WEBHOOK_SECRET,
		promotionCodes: DEMO_PROMOTION_CODES,
	});
});
afterAll(async () => {
	await test.close();
	await receiver.close();
});

type Session = Stripe.Checkout.Session & { client_secret: string };
type ErrorBody = {
	type: string;
	code: string | null;
	message: string;
	field?: string;
	decline_code?: string | null;
};
// What the endpoints answer; each answer has some of these.
type Body = { session: SessionView; error: ErrorBody; returnUrl: string };
type Answer = { status: number; headers: Headers; body: Body };

/** An elements session like the shop's: shipping to US/FR, two options, phone, codes, tax. */
async function elementsSession(
	overrides: Partial<Stripe.Checkout.SessionCreateParams> = {},
	base = shopSessionParams(),
): Promise<Session> {
	const { success_url: _, cancel_url: __, ...params } = { ...base, ...overrides };
	const session = await test.stripe.checkout.sessions.create({
		...params,
		ui_mode: "elements",
		return_url: RETURN_URL,
	});
	return session as Session;
}

async function read(response: Response): Promise<Answer> {
	return { status: response.status, headers: response.headers, body: await response.json() };
}

/** `GET /js/checkout/:id`, as Stripe.js loads the session. */
async function load(session: Session, secret = session.client_secret, locale = "en") {
	const query = new URLSearchParams({ client_secret: secret, locale });
	return read(await fetch(`${test.emulator.url}/js/checkout/${session.id}?${query}`));
}

/** A POST of the SDK (or of the frame, for `confirm`). */
async function post(session: Session, path: string, fields: Record<string, unknown> = {}) {
	const response = await fetch(`${test.emulator.url}/js/checkout/${session.id}/${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", origin: "http://shop.test" },
		body: JSON.stringify({ clientSecret: session.client_secret, locale: "en", ...fields }),
	});
	return read(response);
}

/** The first webhook of this type about this session, once the receiver has it. */
async function webhookAbout(sessionId: string, type: string): Promise<ReceivedWebhook> {
	const deadline = Date.now() + 5000;
	for (;;) {
		const hook = receiver.received.find(
			(candidate) => candidate.type === type && candidate.body.includes(sessionId),
		);
		if (hook) return hook;
		if (Date.now() > deadline) throw new Error(`No ${type} webhook about ${sessionId}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

async function chargesOf(session: Session) {
	const retrieved = await test.stripe.checkout.sessions.retrieve(session.id);
	const intent = retrieved.payment_intent;
	if (typeof intent !== "string") return [];
	return (await test.stripe.charges.list({ payment_intent: intent })).data;
}

describe("the served scripts", () => {
	it("serves stripe.js as a script any page may load, uncached, that parses", async () => {
		const response = await fetch(`${test.emulator.url}/js/stripe.js`);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
		expect(response.headers.get("cache-control")).toBe("no-store");
		expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
		const source = await response.text();
		expect(source).toContain("initCheckoutElementsSdk");
		expect(() => new vm.Script(source)).not.toThrow();
	});

	it("serves the frame's script the same way", async () => {
		const response = await fetch(`${test.emulator.url}/js/elements/payment-frame.js`);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
		const source = await response.text();
		expect(source).toContain("confirm-result");
		expect(() => new vm.Script(source)).not.toThrow();
	});
});

describe("the session the SDK hands out", () => {
	it("has the lines, totals, shipping options and status of the session", async () => {
		const session = await elementsSession();
		const { status, headers, body } = await load(session);
		expect(status).toBe(200);
		expect(headers.get("access-control-allow-origin")).toBe("*");
		const view = body.session;
		expect(view).toMatchObject({
			id: session.id,
			status: { type: "open" },
			canConfirm: true,
			currency: "usd",
			livemode: false,
			minorUnitsAmountDivisor: 100,
			email: null,
			shippingAddress: null,
			lastPaymentError: null,
			savedPaymentMethods: null,
			recurring: null,
			discountAmounts: [],
			tax: { status: "requires_shipping_address" },
		});
		expect(
			view.lineItems.map((line) => [
				line.name,
				line.quantity,
				line.unitAmount.minorUnitsAmount,
				line.total.amount,
			]),
		).toEqual([
			["Mug", 2, 1250, "$25.00"],
			["Sticker", 1, 500, "$5.00"],
		]);
		expect(view.lineItems[0]?.description).toBe("Blue, 350 ml");
		expect(view.shippingOptions.map((option) => [option.displayName, option.amount])).toEqual([
			["Standard", "$5.00"],
			["Express", "$15.00"],
		]);
		expect(view.shippingOptions[0]?.deliveryEstimate).toEqual({
			minimum: { unit: "business_day", value: 3 },
			maximum: { unit: "business_day", value: 5 },
		});
		expect(view.shipping?.shippingOption.id).toBe(view.shippingOptions[0]?.id);
		expect(view.total).toMatchObject({
			subtotal: { minorUnitsAmount: 3000, amount: "$30.00" },
			discount: { minorUnitsAmount: 0 },
			shippingRate: { minorUnitsAmount: 500 },
			total: { minorUnitsAmount: 3500, amount: "$35.00" },
			appliedBalance: { minorUnitsAmount: 0 },
			balanceAppliedToNextInvoice: false,
		});
	});

	it("applies and removes a promotion code, and refuses an invalid one with invalidCode", async () => {
		const session = await elementsSession();
		const invalid = await post(session, "promotion_code", { promotionCode: "NOPE" });
		expect(invalid.status).toBe(400);
		expect(invalid.body.error).toMatchObject({
			code: "invalidCode",
			message: "This code is invalid.",
		});
		const applied = await post(session, "promotion_code", { promotionCode: "welcome10" });
		expect(applied.status).toBe(200);
		expect(applied.body.session.discountAmounts).toEqual([
			{
				displayName: "Welcome: 10 % off",
				promotionCode: "WELCOME10",
				minorUnitsAmount: 300,
				amount: "$3.00",
				percentOff: 10,
				recurring: null,
			},
		]);
		expect(applied.body.session.total.total.minorUnitsAmount).toBe(3200);
		const retrieved = await test.stripe.checkout.sessions.retrieve(session.id);
		expect(retrieved.total_details?.amount_discount).toBe(300);
		const removed = await post(session, "promotion_code/remove");
		expect(removed.body.session.discountAmounts).toEqual([]);
		expect(removed.body.session.total.total.minorUnitsAmount).toBe(3500);
	});

	it("changes the total with the shipping option, and taxes once the address is known", async () => {
		const session = await elementsSession();
		const { body } = await load(session);
		const express = body.session.shippingOptions[1]?.id;
		const changed = await post(session, "shipping_option", { shippingOption: express });
		expect(changed.body.session.shipping?.shippingOption.id).toBe(express);
		expect(changed.body.session.total.total.minorUnitsAmount).toBe(4500);
		const unknown = await post(session, "shipping_option", { shippingOption: "shr_nope" });
		expect(unknown.status).toBe(400);
		expect(unknown.body.error.code).toBeNull();
		const addressed = await post(session, "shipping_address", { shippingAddress: ADDRESS });
		expect(addressed.status).toBe(200);
		const view = addressed.body.session;
		expect(view.tax).toEqual({ status: "ready" });
		expect(view.shippingAddress).toEqual(ADDRESS);
		// FR 20 % on the goods (3000) and on Express shipping (1500).
		expect(view.total.taxExclusive.minorUnitsAmount).toBe(900);
		expect(view.taxAmounts).toEqual([
			expect.objectContaining({ minorUnitsAmount: 900, inclusive: false, percentage: 20 }),
		]);
		expect(view.total.total.minorUnitsAmount).toBe(5400);
		const retrieved = await test.stripe.checkout.sessions.retrieve(session.id);
		expect(retrieved.amount_total).toBe(5400);
		expect(retrieved.shipping_cost?.shipping_rate).toBe(express);
	});

	it("checks emails and addresses, with the SDK's codes", async () => {
		const session = await elementsSession();
		const incomplete = await post(session, "email", { email: "ada@example" });
		expect(incomplete.body.error).toMatchObject({ code: "incompleteEmail" });
		const invalid = await post(session, "email", { email: "not an email" });
		expect(invalid.body.error).toMatchObject({
			code: "invalidEmail",
			message: "Your email address is invalid.",
		});
		const email = await post(session, "email", { email: "ada@example.com" });
		expect(email.body.session.email).toBe("ada@example.com");
		const outside = await post(session, "shipping_address", {
			shippingAddress: { ...ADDRESS, address: { ...ADDRESS.address, country: "DE" } },
		});
		expect(outside.status).toBe(400);
		expect(outside.body.error).toEqual({
			type: "invalid_request_error",
			code: null,
			message: "We cannot ship to this country.",
		});
	});

	it("speaks French amounts and messages for locale fr", async () => {
		const session = await elementsSession();
		const { body } = await load(session, session.client_secret, "fr");
		expect(body.session.total.total.amount).toMatch(/^35,00\s\$US$/);
		const invalid = await post(session, "promotion_code", { promotionCode: "NOPE", locale: "fr" });
		expect(invalid.body.error.message).toBe("Ce code n'est pas valide.");
	});
});

describe("who may call", () => {
	it("answers 404 for a wrong secret, an unknown session and a hosted session", async () => {
		const session = await elementsSession();
		const wrong = await load(session, `${session.id}_secret_${"x".repeat(24)}`);
		expect(wrong.status).toBe(404);
		expect(wrong.body.error).toMatchObject({ code: "resource_missing" });
		expect(wrong.body.session).toBeUndefined();
		const wrongPost = await post({ ...session, client_secret: "nope" }, "email", {
			email: "ada@example.com",
		});
		expect(wrongPost.status).toBe(404);
		const unknown = await load({ ...session, id: "cs_test_unknown" });
		expect(unknown.status).toBe(404);
		const hosted = (await test.stripe.checkout.sessions.create(sessionParams())) as Session;
		const asHosted = await load({ ...hosted, client_secret: `${hosted.id}_secret_x` });
		expect(asHosted.status).toBe(404);
		// Nothing was kept from the refused calls.
		expect((await load(session)).body.session.email).toBeNull();
	});

	it("answers the CORS preflight of the page's JSON POSTs", async () => {
		const session = await elementsSession();
		const response = await fetch(`${test.emulator.url}/js/checkout/${session.id}/email`, {
			method: "OPTIONS",
			headers: {
				origin: "http://shop.test",
				"access-control-request-method": "POST",
				"access-control-request-headers": "content-type",
			},
		});
		expect(response.status).toBe(204);
		expect(response.headers.get("access-control-allow-origin")).toBe("*");
		expect(response.headers.get("access-control-allow-methods")).toContain("POST");
		expect(response.headers.get("access-control-allow-headers")).toContain("content-type");
		expect(response.headers.get("access-control-allow-credentials")).toBeNull();
	});

	it("refuses updates once the session is no longer open (409)", async () => {
		const session = await elementsSession();
		await test.control("POST", `/_emulator/sessions/${session.id}/expire`);
		const answer = await post(session, "promotion_code", { promotionCode: "WELCOME10" });
		expect(answer.status).toBe(409);
		expect(answer.body.error.code).toBe("checkout_session_not_open");
		expect(answer.body.session.status).toEqual({ type: "expired" });
		expect(answer.body.session.canConfirm).toBe(false);
	});
});

describe("confirm (the frame's POST)", () => {
	it("pays with 4242 and completes the session with what the shopper gave", async () => {
		const session = await elementsSession();
		await post(session, "email", { email: "ada@example.com" });
		await post(session, "shipping_address", { shippingAddress: ADDRESS });
		const paid = await post(session, "confirm", {
			card: CARD_OK,
			phoneNumber: "+33 6 12 34 56 78",
		});
		expect(paid.status).toBe(200);
		expect(paid.body.returnUrl).toBe(`https://shop.test/success.html?session_id=${session.id}`);
		expect(paid.body.session.status).toEqual({ type: "complete", paymentStatus: "paid" });
		expect(paid.body.session.canConfirm).toBe(false);
		const retrieved = await test.stripe.checkout.sessions.retrieve(session.id);
		expect(retrieved).toMatchObject({ status: "complete", payment_status: "paid" });
		expect(retrieved.customer_details).toMatchObject({
			email: "ada@example.com",
			phone: "+33 6 12 34 56 78",
			name: "Ada Lovelace",
		});
		expect(retrieved.collected_information?.shipping_details?.address).toMatchObject({
			city: "Paris",
			postal_code: "75002",
			country: "FR",
		});
		const completed = await webhookAbout(session.id, "checkout.session.completed");
		const event = test.stripe.webhooks.constructEvent(
			completed.body,
			String(completed.headers["stripe-signature"]),
			WEBHOOK_SECRET,
		);
		expect((event.data.object as Stripe.Checkout.Session).id).toBe(session.id);
	});

	it("leaves a declined session open with lastPaymentError, then takes 4242 with one PaymentIntent", async () => {
		const session = await elementsSession({}, sessionParams());
		const declined = await post(session, "confirm", {
			card: CARD_DECLINED,
			email: "ada@example.com",
		});
		expect(declined.status).toBe(402);
		expect(declined.body.error).toMatchObject({
			type: "card_error",
			code: "paymentFailed",
			decline_code: "generic_decline",
			message: "Your card was declined.",
			field: "card-number",
		});
		expect(declined.body.session.status).toEqual({ type: "open" });
		expect(declined.body.session.lastPaymentError).toEqual({ message: "Your card was declined." });
		expect((await load(session)).body.session.email).toBe("ada@example.com");
		const paid = await post(session, "confirm", { card: CARD_OK });
		expect(paid.status).toBe(200);
		expect(paid.body.session.lastPaymentError).toBeNull();
		const charges = await chargesOf(session);
		expect(charges.map((charge) => charge.status).sort()).toEqual(["failed", "succeeded"]);
		const types = await eventTypesFor(test, charges[0]?.payment_intent as string);
		expect(types.filter((type) => type === "payment_intent.created")).toHaveLength(1);
		expect(types.filter((type) => type === "payment_intent.succeeded")).toHaveLength(1);
	});

	it("charges nothing more when a completed session is confirmed again", async () => {
		const session = await elementsSession({}, sessionParams());
		const first = await post(session, "confirm", { card: CARD_OK, email: "ada@example.com" });
		expect(first.status).toBe(200);
		const again = await post(session, "confirm", { card: CARD_OK, email: "ada@example.com" });
		expect(again.status).toBe(409);
		expect(again.body.error.code).toBe("checkout_session_not_open");
		expect(await chargesOf(session)).toHaveLength(1);
	});

	it("refuses a missing shipping address or phone before any attempt", async () => {
		const session = await elementsSession();
		const noAddress = await post(session, "confirm", {
			card: CARD_OK,
			email: "ada@example.com",
			phoneNumber: "+33 6 12 34 56 78",
		});
		expect(noAddress.status).toBe(400);
		expect(noAddress.body.error).toMatchObject({
			code: null,
			field: "shipping-name",
			message: "Your name is required.",
		});
		const noPhone = await post(session, "confirm", {
			card: CARD_OK,
			email: "ada@example.com",
			shippingAddress: ADDRESS,
		});
		expect(noPhone.body.error).toMatchObject({ code: null, field: "phone" });
		const badCard = await post(session, "confirm", {
			card: { ...CARD_OK, cvc: "" },
			email: "ada@example.com",
		});
		expect(badCard.body.error).toMatchObject({ field: "card-cvc" });
		const retrieved = await test.stripe.checkout.sessions.retrieve(session.id);
		expect(retrieved).toMatchObject({ status: "open", payment_intent: null });
	});

	it("asks for the terms when the session does", async () => {
		const session = await elementsSession(
			{ consent_collection: { terms_of_service: "required" } },
			sessionParams(),
		);
		const refused = await post(session, "confirm", { card: CARD_OK, email: "ada@example.com" });
		expect(refused.body.error).toMatchObject({ code: null, field: "terms" });
		const paid = await post(session, "confirm", {
			card: CARD_OK,
			email: "ada@example.com",
			termsAccepted: true,
		});
		expect(paid.status).toBe(200);
		expect((await test.stripe.checkout.sessions.retrieve(session.id)).consent).toMatchObject({
			terms_of_service: "accepted",
		});
	});

	it("says declines and incomplete fields in French for a French frame", async () => {
		const session = await elementsSession({}, sessionParams());
		const declined = await post(session, "confirm", {
			card: CARD_DECLINED,
			email: "ada@example.com",
			locale: "fr",
		});
		expect(declined.body.error.message).toBe("Votre carte a été refusée.");
		expect(declined.body.session.lastPaymentError?.message).toBe("Votre carte a été refusée.");
		const incomplete = await post(session, "confirm", {
			card: { ...CARD_OK, number: "4242" },
			email: "ada@example.com",
			locale: "fr",
		});
		expect(incomplete.body.error.message).toBe("Le numéro de votre carte est incomplet.");
		// The API keeps Stripe's English message.
		const retrieved = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent"],
		});
		const intent = retrieved.payment_intent as Stripe.PaymentIntent;
		expect(intent.last_payment_error?.message).toBe("Your card was declined.");
	});
});

describe("the Payment Element's frame", () => {
	const frameUrl = (params: Record<string, string>) =>
		`${test.emulator.url}/js/elements/payment?${new URLSearchParams(params)}`;

	it("is a small accessible form any page may frame, with its script only", async () => {
		const response = await fetch(
			frameUrl({ session: "cs_test_a1abc", locale: "en", parent: "http://shop.test" }),
		);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-security-policy")).toBe(
			"default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; frame-ancestors *",
		);
		expect(response.headers.get("x-frame-options")).toBeNull();
		const html = await response.text();
		expect(html).toContain('data-parent="http://shop.test"');
		expect(html).toMatch(/<label for="card-number">Card number<\/label>/);
		expect(html).toMatch(/id="card-number"[^>]*inputmode="numeric" autocomplete="cc-number"/);
		expect(html).toMatch(/id="card-expiry"[^>]*autocomplete="cc-exp"/);
		expect(html).toMatch(/id="card-cvc"[^>]*autocomplete="cc-csc"/);
		expect(html).toContain('role="alert"');
		expect(html).toContain("Test mode: use 4242 4242 4242 4242");
		expect(html).toContain('<script src="/js/elements/payment-frame.js"></script>');
		expect(html).not.toMatch(/<script>/);
	});

	it("speaks French for locale fr", async () => {
		const response = await fetch(
			frameUrl({ session: "cs_test_a1abc", locale: "fr", parent: "http://shop.test" }),
		);
		const html = await response.text();
		expect(html).toContain('<html lang="fr">');
		expect(html).toContain("Numéro de carte");
		expect(html).toContain("Code de sécurité");
		expect(html).toContain("Mode test : utilisez 4242 4242 4242 4242");
		expect(html).toContain('data-incomplete="Le numéro de votre carte est incomplet."');
	});

	it("refuses a parent that is not an origin", async () => {
		const response = await fetch(
			frameUrl({ session: "cs_test_a1abc", parent: "http://shop.test/page" }),
		);
		expect(response.status).toBe(400);
	});
});

describe("stripe.js run against the emulator", () => {
	let page: StripeJsPage;
	const source = async () => (await fetch(`${test.emulator.url}/js/stripe.js`)).text();
	const origin = () => new URL(test.emulator.url).origin;

	it("refuses a key that is not a test publishable key", async () => {
		page = stripeJsPage(await source(), test.emulator.url);
		expect(() => page.Stripe("sk_test_secret")).toThrow(/Invalid API Key/);
		expect(() => page.Stripe("pk_live_x")).toThrow(/Invalid API Key/);
		expect(typeof page.Stripe("pk_test_x").initCheckoutElementsSdk).toBe("function");
	});

	it("loads the session once, updates it, and fails to load with a wrong secret", async () => {
		const session = await elementsSession();
		page = stripeJsPage(await source(), test.emulator.url);
		const sdk = page.Stripe("pk_test_x").initCheckoutElementsSdk({
			clientSecret: session.client_secret,
		});
		const changes: SessionView[] = [];
		sdk.on("change", (view) => changes.push(view));
		const [loaded, again] = await Promise.all([sdk.loadActions(), sdk.loadActions()]);
		expect(loaded.type).toBe("success");
		expect(again).toBe(loaded);
		expect(changes).toHaveLength(1);
		const actions = loaded.actions!;
		expect(actions.getSession().id).toBe(session.id);
		const bad = await actions.applyPromotionCode("NOPE");
		expect(bad).toEqual({
			type: "error",
			error: { message: "This code is invalid.", code: "invalidCode" },
		});
		const good = await actions.applyPromotionCode("WELCOME10");
		expect(good.type).toBe("success");
		expect(good.session).toBe(actions.getSession());
		expect(changes).toHaveLength(2);
		expect(changes[1]?.total.discount.minorUnitsAmount).toBe(300);
		const email = await actions.updateEmail("nope");
		expect(email.error).toMatchObject({ code: "invalidEmail" });

		const wrong = stripeJsPage(await source(), test.emulator.url)
			.Stripe("pk_test_x")
			.initCheckoutElementsSdk({ clientSecret: `${session.id}_secret_wrong` });
		const failed = await wrong.loadActions();
		expect(failed.type).toBe("error");
		expect(failed.error).toMatchObject({ code: null });
	});

	it("confirms through the frame: one at a time, origin checked, then redirects", async () => {
		const session = await elementsSession({}, sessionParams());
		page = stripeJsPage(await source(), test.emulator.url, "fr-FR");
		const sdk = page.Stripe("pk_test_x", { locale: "auto" }).initCheckoutElementsSdk({
			clientSecret: session.client_secret,
		});
		const actions = (await sdk.loadActions()).actions!;
		const element = sdk.createPaymentElement();
		expect(sdk.getPaymentElement()).toBe(element);
		const ready: unknown[] = [];
		element.on("ready", (event) => ready.push(event));
		element.mount("#payment");
		await new Promise((resolve) => setTimeout(resolve, 0));
		const src = new URL(page.frameSrc());
		expect(src.origin + src.pathname).toBe(`${origin()}/js/elements/payment`);
		expect(Object.fromEntries(src.searchParams)).toEqual({
			session: session.id,
			locale: "fr",
			parent: "http://shop.test",
		});
		// A message from elsewhere is not the frame's.
		page.frameSays({ source: "stripe-emulator", type: "ready" }, "http://evil.test");
		page.frameSays({ source: "stripe-emulator", type: "ready" }, origin(), false);
		expect(ready).toEqual([]);
		page.frameSays({ source: "stripe-emulator", type: "ready" });
		page.frameSays({ source: "stripe-emulator", type: "resize", height: 231 });
		expect(ready).toEqual([{ elementType: "payment" }]);
		expect(page.frameStyle.height).toBe("231px");

		const first = actions.confirm({ email: "ada@example.com" });
		const second = await actions.confirm({ email: "ada@example.com" });
		expect(second).toEqual({
			type: "error",
			error: { message: "Un paiement est déjà en cours de confirmation.", code: null },
		});
		expect(actions.getSession().canConfirm).toBe(false);
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(page.toFrame).toHaveLength(1);
		const sent = page.toFrame[0]!;
		expect(sent.targetOrigin).toBe(origin());
		expect(sent.data).toMatchObject({
			type: "confirm",
			clientSecret: session.client_secret,
			locale: "fr",
			args: { email: "ada@example.com", termsAccepted: false },
		});
		// The frame's POST did not get through.
		page.frameSays({
			source: "stripe-emulator",
			type: "confirm-result",
			id: sent.data.id,
			networkError: true,
		});
		expect(await first).toEqual({
			type: "error",
			error: {
				message:
					"Impossible de joindre le service de paiement. Vérifiez votre connexion et réessayez.",
				code: null,
			},
		});
		expect(actions.getSession().canConfirm).toBe(true);

		// Again, the frame POSTs the card as its script does and hands the answer back.
		const redirected = actions.confirm({ email: "ada@example.com" });
		await new Promise((resolve) => setTimeout(resolve, 0));
		const retry = page.toFrame[1]!;
		const answer = await post(session, "confirm", {
			...(retry.data.args as object),
			locale: "fr",
			card: CARD_OK,
		});
		page.frameSays({
			source: "stripe-emulator",
			type: "confirm-result",
			id: retry.data.id,
			status: answer.status,
			body: answer.body,
		});
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(page.assigned).toEqual([`https://shop.test/success.html?session_id=${session.id}`]);
		expect(actions.getSession().status).toEqual({ type: "complete", paymentStatus: "paid" });
		let settled = false;
		void redirected.then(() => {
			settled = true;
		});
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(settled).toBe(false);
	});

	it("answers a decline as paymentFailed, and success with redirect if_required", async () => {
		const session = await elementsSession({}, sessionParams());
		page = stripeJsPage(await source(), test.emulator.url);
		const sdk = page.Stripe("pk_test_x").initCheckoutElementsSdk({
			clientSecret: session.client_secret,
		});
		const actions = (await sdk.loadActions()).actions!;
		sdk.createPaymentElement().mount("#payment");
		page.frameSays({ source: "stripe-emulator", type: "ready" });
		const playFrame = async (card: typeof CARD_OK) => {
			await new Promise((resolve) => setTimeout(resolve, 0));
			const message = page.toFrame.at(-1)!;
			const answer = await post(session, "confirm", { ...(message.data.args as object), card });
			page.frameSays({
				source: "stripe-emulator",
				type: "confirm-result",
				id: message.data.id,
				status: answer.status,
				body: answer.body,
			});
		};
		const declined = actions.confirm({ email: "ada@example.com", redirect: "if_required" });
		await playFrame(CARD_DECLINED);
		expect(await declined).toEqual({
			type: "error",
			error: {
				message: "Your card was declined.",
				code: "paymentFailed",
				paymentFailed: { declineCode: "generic_decline" },
			},
		});
		expect(actions.getSession().lastPaymentError).toEqual({ message: "Your card was declined." });
		const paid = actions.confirm({ email: "ada@example.com", redirect: "if_required" });
		await playFrame(CARD_OK);
		const result = await paid;
		expect(result.type).toBe("success");
		expect(result.session?.status).toEqual({ type: "complete", paymentStatus: "paid" });
		expect(page.assigned).toEqual([]);
	});
});
