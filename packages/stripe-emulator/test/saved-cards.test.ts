import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.ts";
import { sessionParams, startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";
import { shopSessionParams } from "./helpers/shop-session.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterAll(() => test.close());

const FUTURE_EXPIRY = `12 / ${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, "0")}`;
const control = () => emulatorClient(test.emulator.url);
type Overrides = Partial<Stripe.Checkout.SessionCreateParams>;

/** A customer with one saved card (4242, 12/34, the default unless told). */
async function customerWithCard(card = "4242424242424242", makeDefault = true) {
	const customer = await test.stripe.customers.create({
		email: "ada@example.com",
		preferred_locales: ["en"],
		metadata: { customer_id: crypto.randomUUID() },
	});
	const saved = await control().saveCard(customer.id, {
		card,
		expiry: "12/34",
		default: makeDefault,
	});
	return { customer, card: saved.paymentMethod };
}

async function page(url: string) {
	const response = await fetch(url);
	return { status: response.status, html: await response.text() };
}

async function submit(url: string, fields: Record<string, string>) {
	const response = await fetch(url, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams(fields).toString(),
		redirect: "manual",
	});
	return {
		status: response.status,
		location: response.headers.get("location"),
		html: await response.text(),
	};
}

/** The event types emitted from now on (call the answer to read them). */
async function eventsFromNow(): Promise<() => Promise<Stripe.Event[]>> {
	const before = (await control().events()).length;
	return async () => (await control().events()).slice(before);
}

function sessionFor(customer: string, overrides: Overrides = {}) {
	return test.stripe.checkout.sessions.create(sessionParams({ customer, ...overrides }));
}

describe("a Checkout Session with a customer", () => {
	it("carries the customer, its email and the saved-card options; the PaymentIntent carries the customer", async () => {
		const { customer } = await customerWithCard();
		const session = await sessionFor(customer.id, {
			saved_payment_method_options: {
				payment_method_save: "enabled",
				allow_redisplay_filters: ["always"],
				payment_method_remove: "disabled",
			},
			customer_update: { address: "auto", shipping: "never", name: "auto" },
		});
		expect(session).toMatchObject({
			customer: customer.id,
			customer_email: null,
			customer_details: { email: "ada@example.com" },
			saved_payment_method_options: {
				payment_method_save: "enabled",
				allow_redisplay_filters: ["always"],
				payment_method_remove: "disabled",
			},
		});
		expect((await sessionFor(customer.id)).saved_payment_method_options).toBeNull();
		const paid = await control().pay(session.id);
		expect(paid.paymentIntent?.customer).toBe(customer.id);
		const charge = await test.stripe.charges.retrieve(String(paid.paymentIntent?.latest_charge));
		expect(charge.customer).toBe(customer.id);
	});

	it.each([
		[
			"customer with customer_email",
			{ customer_email: "ada@example.com" },
			"customer_email",
			/only specify one of these parameters: customer, customer_email/,
		],
		[
			"customer_update without customer",
			{ customer: undefined, customer_update: { address: "auto" } },
			"customer_update",
			/customer_update can only be used with customer/,
		],
		["an unknown customer", { customer: "cus_missing" }, "customer", /No such customer/],
	] as const)("refuses %s", async (_, overrides, param, message) => {
		const { customer } = await customerWithCard();
		const error = await stripeError(
			test.stripe.checkout.sessions.create(
				sessionParams({ customer: customer.id, ...overrides } as Overrides),
			),
		);
		expect(error.statusCode).toBe(400);
		expect(error.param).toBe(param);
		expect(error.message).toMatch(message);
	});
});

describe("the hosted page of a session with a customer", () => {
	it("locks the email and offers the saved card first, preselected, then a new card", async () => {
		const { customer, card } = await customerWithCard();
		const session = await sessionFor(customer.id);
		const { html } = await page(String(session.url));
		expect(html).toMatch(/id="email"[^>]*value="ada@example.com" readonly/);
		expect(html).toContain(
			`<label class="choice" for="saved-card-0"><input type="radio" id="saved-card-0" name="method" value="${card.id}" data-saved checked> Visa •••• 4242 · 12/34</label>`,
		);
		expect(html).toMatch(
			/<input type="radio" id="method-card" name="method" value="card"> Use a new card/,
		);
		expect(html).toContain('class="new-card-only"');
		// No save box unless the session enables it.
		expect(html).not.toContain('id="save-card"');
		const limited = await customerWithCard();
		await control().saveCard(limited.customer.id, { allowRedisplay: "limited" });
		const other = await page(String((await sessionFor(limited.customer.id)).url));
		expect(other.html.match(/id="saved-card-\d"/g)).toHaveLength(1);
	});

	it("pays with the saved card, no number typed, through the same payment path", async () => {
		const { customer, card } = await customerWithCard();
		const session = await sessionFor(customer.id);
		const events = await eventsFromNow();
		const answer = await submit(String(session.url), { method: card.id });
		expect(answer.status).toBe(303);
		expect(answer.location).toBe(`http://shop.test/success.html?session_id=${session.id}`);
		const paid = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent"],
		});
		const intent = paid.payment_intent as Stripe.PaymentIntent;
		expect(intent).toMatchObject({
			status: "succeeded",
			payment_method: card.id,
			customer: customer.id,
		});
		expect(paid.customer_details?.email).toBe("ada@example.com");
		expect((await events()).map((event) => event.type)).toEqual([
			"payment_intent.created",
			"charge.succeeded",
			"payment_intent.succeeded",
			"checkout.session.completed",
		]);
	});

	it("declines a saved card the way its number does, in the page's language", async () => {
		const { customer, card } = await customerWithCard("4000000000000341");
		const session = await sessionFor(customer.id, { locale: "fr" });
		const answer = await submit(String(session.url), { method: card.id });
		expect(answer.status).toBe(402);
		expect(answer.html).toContain(
			'<div role="alert" id="payment-error">Votre carte a été refusée.</div>',
		);
		expect(answer.html).toMatch(/id="saved-card-0"[^>]*checked aria-invalid="true"/);
		expect((await test.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
	});

	it("saves a new card when the box is ticked: attached once paid, before checkout.session.completed", async () => {
		const { customer } = await customerWithCard();
		const session = await sessionFor(customer.id, {
			locale: "fr",
			saved_payment_method_options: { payment_method_save: "enabled" },
		});
		const { html } = await page(String(session.url));
		expect(html).toContain(
			'<input type="checkbox" id="save-card" name="saveCard" value="yes"> <label for="save-card">Enregistrer ma carte pour mes prochains achats</label>',
		);
		expect(html).toContain("Utiliser une nouvelle carte");
		const events = await eventsFromNow();
		const answer = await submit(String(session.url), {
			method: "card",
			cardNumber: "4242 4242 4242 4242",
			cardExpiry: FUTURE_EXPIRY,
			cardCvc: "123",
			saveCard: "yes",
		});
		expect(answer.status).toBe(303);
		const emitted = await events();
		expect(emitted.map((event) => event.type)).toEqual([
			"payment_intent.created",
			"charge.succeeded",
			"payment_intent.succeeded",
			"payment_method.attached",
			"checkout.session.completed",
		]);
		const attached = emitted[3]?.data.object as Stripe.PaymentMethod;
		expect(attached).toMatchObject({ customer: customer.id, allow_redisplay: "always" });
		const intent = emitted[2]?.data.object as Stripe.PaymentIntent;
		expect(intent).toMatchObject({ setup_future_usage: "on_session", payment_method: attached.id });
		const cards = await test.stripe.customers.listPaymentMethods(customer.id);
		expect(cards.data.map((method) => method.id)).toContain(attached.id);
	});

	it("keeps a new card unsaved without the box", async () => {
		const { customer } = await customerWithCard();
		const session = await sessionFor(customer.id, {
			saved_payment_method_options: { payment_method_save: "enabled" },
		});
		const paid = await control().pay(session.id);
		expect(paid.paymentIntent?.setup_future_usage).toBeNull();
		expect((await test.stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(1);
	});

	it("writes the address back with customer_update auto (customer.updated before completed)", async () => {
		const { customer } = await customerWithCard();
		const created = await test.stripe.checkout.sessions.create(
			shopSessionParams({
				customer: customer.id,
				customer_update: { address: "auto", shipping: "auto" },
			}),
		);
		const events = await eventsFromNow();
		await control().pay(created.id);
		const types = (await events()).map((event) => event.type);
		expect(types.slice(-2)).toEqual(["customer.updated", "checkout.session.completed"]);
		const updated = (await test.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
		expect(updated.address).toMatchObject({
			line1: "1 Rue de Rivoli",
			city: "Paris",
			country: "FR",
		});
		expect(updated.shipping).toMatchObject({ name: "Jenny Rosen", phone: "+33 1 23 45 67 89" });
		// The next session's page starts from the saved shipping address.
		const next = await test.stripe.checkout.sessions.create(
			shopSessionParams({ customer: customer.id }),
		);
		expect((await page(String(next.url))).html).toMatch(
			/id="shipping-line1"[^>]*value="1 Rue de Rivoli"/,
		);
	});
});
