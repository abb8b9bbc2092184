import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.ts";
import { sessionParams, startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { stripeJsPage } from "./helpers/stripe-js-page.ts";

const FUTURE_EXPIRY = `12 / ${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, "0")}`;

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterAll(() => test.close());

const control = () => emulatorClient(test.emulator.url);
type Session = Stripe.Checkout.Session & { client_secret: string };

/** An elements session for a customer with one saved card (the default), saving enabled. */
async function customerSession(locale?: "fr") {
	const customer = await test.stripe.customers.create({
		email: "ada@example.com",
		metadata: { customer_id: crypto.randomUUID() },
	});
	const { paymentMethod } = await control().saveCard(customer.id, {
		expiry: "12/34",
		default: true,
	});
	const { success_url: _, cancel_url: __, ...params } = sessionParams();
	const session = (await test.stripe.checkout.sessions.create({
		...params,
		ui_mode: "elements",
		return_url: "https://shop.test/success.html?session_id={CHECKOUT_SESSION_ID}",
		customer: customer.id,
		saved_payment_method_options: { payment_method_save: "enabled" },
		...(locale && { locale }),
	})) as Session;
	return { customer, card: paymentMethod, session };
}

/** The frame's POST of `confirm`, as its script sends it. */
async function frameConfirm(session: Session, fields: Record<string, unknown>) {
	const response = await fetch(`${test.emulator.url}/js/checkout/${session.id}/confirm`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ clientSecret: session.client_secret, locale: "en", ...fields }),
	});
	return { status: response.status, body: await response.json() };
}

describe("the Payment Element's frame for a session with a customer", () => {
	it("has the saved-card chooser and the save box, hidden until its script fills them in", async () => {
		const query = new URLSearchParams({
			session: "cs_test_a1abc",
			locale: "fr",
			parent: "http://shop.test",
		});
		const html = await (await fetch(`${test.emulator.url}/js/elements/payment?${query}`)).text();
		expect(html).toContain('<fieldset id="saved-cards" hidden>');
		expect(html).toContain("<legend>Cartes enregistrées</legend>");
		expect(html).toContain(
			'<label class="choice" for="method-card"><input type="radio" id="method-card" name="method" value="card"> Utiliser une nouvelle carte</label>',
		);
		expect(html).toContain(
			'<p class="choice save-card" id="save-card-row" hidden><input type="checkbox" id="save-card" name="saveCard" value="yes"> <label for="save-card">Enregistrer ma carte pour mes prochains achats</label></p>',
		);
	});

	it("lists the saved cards for the client secret only, labelled and preselected as the hosted page does", async () => {
		const { card, session } = await customerSession();
		const url = (secret: string) =>
			`${test.emulator.url}/js/checkout/${session.id}/saved_payment_methods?${new URLSearchParams({ client_secret: secret, locale: "en" })}`;
		const answer = await (await fetch(url(session.client_secret))).json();
		expect(answer).toEqual({
			savedPaymentMethods: [{ id: card.id, label: "Visa •••• 4242 · 12/34", checked: true }],
			offerSave: true,
		});
		expect((await fetch(url(`${session.id}_secret_wrong`))).status).toBe(404);
	});
});

describe("stripe.js with saved cards", () => {
	it("accepts elementsOptions.savedPaymentMethod, hands the frame the secret, and pays with the saved card", async () => {
		const { customer, card, session } = await customerSession();
		const source = await (await fetch(`${test.emulator.url}/js/stripe.js`)).text();
		const page = stripeJsPage(source, test.emulator.url);
		const sdk = page.Stripe("pk_test_x").initCheckoutElementsSdk({
			clientSecret: session.client_secret,
			elementsOptions: { savedPaymentMethod: { enableSave: "auto", enableRedisplay: "auto" } },
		});
		const actions = (await sdk.loadActions()).actions!;
		const view = actions.getSession();
		expect(view.email).toBe("ada@example.com");
		expect(view.savedPaymentMethods).toEqual([
			{
				id: card.id,
				type: "card",
				card: { brand: "visa", expMonth: 12, expYear: 2034, last4: "4242" },
				billingDetails: { email: "ada@example.com", name: null, phone: null, address: null },
			},
		]);
		// The customer's email cannot be changed.
		expect((await actions.updateEmail("other@example.com")).type).toBe("error");

		sdk.createPaymentElement().mount("#payment");
		await new Promise((resolve) => setTimeout(resolve, 0));
		const src = new URL(page.frameSrc());
		expect(Object.fromEntries(new URLSearchParams(src.hash.slice(1)))).toEqual({
			client_secret: session.client_secret,
			save: "auto",
			redisplay: "auto",
		});
		page.frameSays({ source: "stripe-emulator", type: "ready" });
		const before = (await control().events()).length;
		const confirmed = actions.confirm({ redirect: "if_required" });
		await new Promise((resolve) => setTimeout(resolve, 0));
		const message = page.toFrame.at(-1)!;
		expect(message.data).toMatchObject({ type: "confirm", args: { savePaymentMethod: false } });
		// The frame sends the chosen saved card, no number.
		const answer = await frameConfirm(session, {
			...(message.data.args as object),
			paymentMethod: card.id,
		});
		page.frameSays({
			source: "stripe-emulator",
			type: "confirm-result",
			id: message.data.id,
			status: answer.status,
			body: answer.body,
		});
		const result = await confirmed;
		expect(result.type).toBe("success");
		expect(result.session?.status).toEqual({ type: "complete", paymentStatus: "paid" });
		const paid = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent"],
		});
		expect(paid.payment_intent).toMatchObject({ payment_method: card.id, customer: customer.id });
		expect((await control().events()).slice(before).map((event) => event.type)).toEqual([
			"payment_intent.created",
			"charge.succeeded",
			"payment_intent.succeeded",
			"checkout.session.completed",
		]);
	});

	it("saves a new card when the frame's box is ticked, and refuses a card that is not offered", async () => {
		const { customer, session } = await customerSession();
		const other = await customerSession();
		const foreign = await frameConfirm(session, { paymentMethod: other.card.id });
		expect(foreign.status).toBe(400);
		expect(foreign.body.error.field).toBe("method-card");
		const answer = await frameConfirm(session, {
			card: { number: "4242 4242 4242 4242", expiry: FUTURE_EXPIRY, cvc: "123" },
			savePaymentMethod: true,
		});
		expect(answer.status).toBe(200);
		const cards = await test.stripe.customers.listPaymentMethods(customer.id);
		expect(cards.data).toHaveLength(2);
		expect(cards.data[0]?.allow_redisplay).toBe("always");
	});
});
