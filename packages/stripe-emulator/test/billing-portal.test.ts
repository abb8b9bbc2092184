import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.ts";
import { startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.ts";

const SECRET = "whsec_portal_test";
const FUTURE_EXPIRY = `12 / ${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, "0")}`;

let test: TestEmulator;
let receiver: WebhookReceiver;
beforeAll(async () => {
	receiver = await startWebhookReceiver();
	test = await startTestEmulator({ webhookUrl: receiver.url, webhookSecret: SECRET });
});
afterAll(async () => {
	await test.close();
	await receiver.close();
});

const control = () => emulatorClient(test.emulator.url);

async function portalFor(locale?: "fr") {
	const customer = await test.stripe.customers.create({
		email: "ada@example.com",
		metadata: { customer_id: crypto.randomUUID() },
	});
	const portal = await test.stripe.billingPortal.sessions.create({
		customer: customer.id,
		return_url: "https://shop.test/account",
		...(locale && { locale }),
	});
	return { customer, portal };
}

async function post(path: string, fields: Record<string, string>) {
	const response = await fetch(`${test.emulator.url}${path}`, {
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

const html = async (url: string) => (await fetch(url)).text();

/** The events emitted by `action`, in order. */
async function eventsOf(action: () => Promise<unknown>): Promise<Stripe.Event[]> {
	const before = (await control().events()).length;
	await action();
	return (await control().events()).slice(before);
}

describe("POST /v1/billing_portal/sessions", () => {
	it("answers Stripe's object with the portal's url, and refuses an unknown customer", async () => {
		const { customer, portal } = await portalFor();
		expect(portal).toMatchObject({
			object: "billing_portal.session",
			customer: customer.id,
			return_url: "https://shop.test/account",
			locale: null,
			livemode: false,
			flow: null,
			on_behalf_of: null,
			url: `${test.emulator.url}/p/session/${portal.id}`,
		});
		expect(portal.id).toMatch(/^bps_/);
		expect(portal.configuration).toMatch(/^bpc_/);
		const error = await stripeError(
			test.stripe.billingPortal.sessions.create({ customer: "cus_nope" }),
		);
		expect(error.param).toBe("customer");
	});
});

describe("the Billing Portal page", () => {
	it("shows the email, the cards with the default badge, an add link and the way back", async () => {
		const { customer, portal } = await portalFor();
		await control().saveCard(customer.id, { expiry: "12/34", default: true });
		await control().saveCard(customer.id, { card: "4000000000000341", expiry: "01/30" });
		const page = await html(portal.url);
		expect(page).toContain('<html lang="en">');
		expect(page).toContain('<span id="customer-email">ada@example.com</span>');
		expect(page).toMatch(
			/id="payment-method-0"[^>]*data-default>\n<p class="card-name"><strong>Visa •••• 4242<\/strong> <span class="default-badge" id="default-badge">Default<\/span>/,
		);
		expect(page).toContain("Expires 12/34");
		expect(page).toContain(
			'aria-label="Make default: Visa •••• 0341 (Expires 01/30)">Make default</button>',
		);
		expect(page).toContain(
			'<a id="return-link" href="https://shop.test/account">← Return to Emulated business</a>',
		);
		expect(page).toContain(
			`<a id="add-card" class="button-link" href="/p/session/${portal.id}/add_card">Add a card</a>`,
		);
		expect((await fetch(`${test.emulator.url}/p/session/bps_unknown`)).status).toBe(404);
	});

	it("makes a card the default (customer.updated), removes one (payment_method.detached), each signed", async () => {
		const { customer, portal } = await portalFor("fr");
		const first = await control().saveCard(customer.id, { default: true });
		const second = await control().saveCard(customer.id);
		await control().drain();
		receiver.clear();
		const madeDefault = await eventsOf(async () => {
			const answer = await post(`/p/session/${portal.id}/make_default`, {
				paymentMethod: second.paymentMethod.id,
			});
			expect(answer.status).toBe(303);
			expect(answer.location).toBe(`/p/session/${portal.id}?done=make_default`);
		});
		expect(madeDefault.map((event) => event.type)).toEqual(["customer.updated"]);
		expect(madeDefault[0]?.data.previous_attributes).toEqual({
			invoice_settings: { default_payment_method: first.paymentMethod.id },
		});
		const page = await html(`${portal.url}?done=make_default`);
		expect(page).toContain('<html lang="fr">');
		expect(page).toContain(
			'<p role="status" id="portal-notice">Votre carte par défaut a été mise à jour.</p>',
		);

		// Removing the default detaches it and clears the default.
		const removed = await eventsOf(() =>
			post(`/p/session/${portal.id}/remove`, { paymentMethod: second.paymentMethod.id }),
		);
		expect(removed.map((event) => event.type)).toEqual([
			"payment_method.detached",
			"customer.updated",
		]);
		const after = (await test.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
		expect(after.invoice_settings.default_payment_method).toBeNull();
		const hooks = await receiver.waitFor(3);
		expect(hooks.map((hook) => hook.type)).toEqual([
			"customer.updated",
			"payment_method.detached",
			"customer.updated",
		]);
		for (const hook of hooks) {
			await test.stripe.webhooks.constructEventAsync(
				hook.body,
				String(hook.headers["stripe-signature"]),
				SECRET,
			);
		}
		// A card that is not the customer's is refused, nothing changes.
		const other = await portalFor();
		const foreign = await post(`/p/session/${other.portal.id}/remove`, {
			paymentMethod: first.paymentMethod.id,
		});
		expect(foreign.status).toBe(400);
		expect((await test.stripe.paymentMethods.retrieve(first.paymentMethod.id)).customer).toBe(
			customer.id,
		);
	});

	it("adds a card: declined shows why, a good one is attached and becomes the default", async () => {
		const { customer, portal } = await portalFor();
		const form = await html(`${portal.url}/add_card`);
		expect(form).toContain(`<form method="post" action="/p/session/${portal.id}/add_card">`);
		expect(form).toContain('<label for="card-number">Card number</label>');
		expect(form).toContain('<button type="submit" id="add-card-submit">Add card</button>');
		const card = (number: string) => ({
			cardNumber: number,
			cardExpiry: FUTURE_EXPIRY,
			cardCvc: "123",
		});
		const declined = await post(`/p/session/${portal.id}/add_card`, card("4000 0000 0000 0002"));
		expect(declined.status).toBe(402);
		expect(declined.html).toContain(
			'<div role="alert" id="portal-error">Your card was declined.</div>',
		);
		const added = await eventsOf(async () => {
			const answer = await post(`/p/session/${portal.id}/add_card`, card("4242 4242 4242 4242"));
			expect(answer.location).toBe(`/p/session/${portal.id}?done=add_card`);
		});
		expect(added.map((event) => event.type)).toEqual([
			"payment_method.attached",
			"customer.updated",
		]);
		const method = added[0]?.data.object as Stripe.PaymentMethod;
		expect(method).toMatchObject({ customer: customer.id, allow_redisplay: "always" });
		const updated = (await test.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
		expect(updated.invoice_settings.default_payment_method).toBe(method.id);
		// A second card is not made the default.
		const again = await eventsOf(() =>
			post(`/p/session/${portal.id}/add_card`, card("4242424242424242")),
		);
		expect(again.map((event) => event.type)).toEqual(["payment_method.attached"]);
	});
});
