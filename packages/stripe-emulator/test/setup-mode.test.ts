import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.ts";
import { startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterAll(() => test.close());

const FUTURE_EXPIRY = `12 / ${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, "0")}`;
const control = () => emulatorClient(test.emulator.url);

async function setupSession(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
	const customer = await test.stripe.customers.create({
		email: "ada@example.com",
		metadata: { customer_id: crypto.randomUUID() },
	});
	const session = await test.stripe.checkout.sessions.create({
		mode: "setup",
		currency: "eur",
		customer: customer.id,
		success_url: "https://shop.test/account?setup={CHECKOUT_SESSION_ID}",
		cancel_url: "https://shop.test/account",
		metadata: { customer_id: customer.metadata.customer_id ?? "" },
		...overrides,
	});
	return { customer, session };
}

async function submit(url: string, cardNumber: string) {
	const response = await fetch(url, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ cardNumber, cardExpiry: FUTURE_EXPIRY, cardCvc: "123" }).toString(),
		redirect: "manual",
	});
	return {
		status: response.status,
		location: response.headers.get("location"),
		html: await response.text(),
	};
}

describe("a mode=setup Checkout Session", () => {
	it("is open with no amount, no PaymentIntent and nothing to pay", async () => {
		const { customer, session } = await setupSession();
		expect(session).toMatchObject({
			mode: "setup",
			status: "open",
			payment_status: "no_payment_required",
			amount_total: null,
			amount_subtotal: null,
			currency: "eur",
			customer: customer.id,
			setup_intent: null,
			payment_intent: null,
			ui_mode: "hosted_page",
		});
		expect(session.url).toBe(`${test.emulator.url}/pay/${session.id}`);
	});

	it.each([
		["no currency", { currency: undefined }, "currency"],
		[
			"line items",
			{
				line_items: [
					{
						price_data: { currency: "eur", unit_amount: 100, product_data: { name: "x" } },
						quantity: 1,
					},
				],
			},
			"line_items",
		],
		["ui_mode elements", { ui_mode: "elements" }, "ui_mode"],
	] as const)("refuses %s", async (_, overrides, param) => {
		const error = await stripeError(
			setupSession(overrides as Partial<Stripe.Checkout.SessionCreateParams>),
		);
		expect(error.statusCode).toBe(400);
		expect(error.param).toBe(param);
	});

	it("shows a page with no amount, saves a good card, and sends Stripe's events in order", async () => {
		const { customer, session } = await setupSession({ locale: "fr" });
		const page = await (await fetch(String(session.url))).text();
		expect(page).toContain('<html lang="fr">');
		expect(page).toContain('<h1 id="setup-heading">Enregistrer une carte</h1>');
		expect(page).toMatch(/id="email"[^>]*value="ada@example.com" readonly/);
		expect(page).toContain('<button type="submit" id="submit">Enregistrer la carte</button>');
		expect(page).toContain('<a id="back" href="https://shop.test/account">');
		expect(page).not.toContain("€");
		expect(page).not.toContain('id="line-items"');

		const before = (await control().events()).length;
		const answer = await submit(String(session.url), "4242 4242 4242 4242");
		expect(answer.status).toBe(303);
		expect(answer.location).toBe(`https://shop.test/account?setup=${session.id}`);
		const events = (await control().events()).slice(before);
		expect(events.map((event) => event.type)).toEqual([
			"payment_method.attached",
			"setup_intent.created",
			"setup_intent.succeeded",
			"checkout.session.completed",
		]);
		const done = await test.stripe.checkout.sessions.retrieve(session.id);
		expect(done).toMatchObject({ status: "complete", payment_status: "no_payment_required" });
		const intent = await test.stripe.setupIntents.retrieve(String(done.setup_intent));
		expect(intent).toMatchObject({
			object: "setup_intent",
			status: "succeeded",
			customer: customer.id,
			usage: "off_session",
		});
		const method = await test.stripe.paymentMethods.retrieve(String(intent.payment_method));
		expect(method).toMatchObject({ customer: customer.id, allow_redisplay: "always" });
		expect((await fetch(String(session.url))).status).toBe(200);
		expect(await (await fetch(`${test.emulator.url}/pay/${session.id}`)).text()).toContain(
			'data-status="complete"',
		);
	});

	it("shows a decline in the page's language and attaches nothing", async () => {
		const { customer, session } = await setupSession({ locale: "fr" });
		const before = (await control().events()).length;
		const answer = await submit(String(session.url), "4000 0000 0000 0002");
		expect(answer.status).toBe(402);
		expect(answer.html).toContain(
			'<div role="alert" id="payment-error">Votre carte a été refusée.</div>',
		);
		expect((await control().events()).slice(before)).toEqual([]);
		expect((await test.stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);
		expect((await test.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
	});

	it("is completed by the control API's pay as its page would", async () => {
		const { customer, session } = await setupSession();
		const saved = await control().pay(session.id);
		expect(saved.outcome).toBe("succeeded");
		expect(saved.setupIntent?.customer).toBe(customer.id);
		expect(saved.session.setup_intent).toBe(saved.setupIntent?.id);
		const declined = await control().pay((await setupSession()).session.id, {
			card: "4000000000009995",
		});
		expect(declined.outcome).toBe("declined");
	});
});

describe("Stripe's other succeeding test cards", () => {
	it.each([
		["5555 5555 5555 4444", "mastercard", "4444", "credit"],
		["3782 822463 10005", "amex", "0005", "credit"],
		["4000 0566 5566 5556", "visa", "5556", "debit"],
	])("%s is saved as a %s card", async (number, brand, last4, funding) => {
		const { customer, session } = await setupSession();
		const result = await submit(session.url ?? "", number);
		expect(result.status).toBe(303);
		const saved = await test.stripe.customers.listPaymentMethods(customer.id);
		expect(
			saved.data.map((pm) => pm.card && [pm.card.brand, pm.card.last4, pm.card.funding]),
		).toEqual([[brand, last4, funding]]);
	});
});
