import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.ts";
import { sessionParams, startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";
import { createCustomer, subscribe, subscriptionParams } from "./helpers/subscription-session.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.ts";

const SECRET = "whsec_subscription_test";
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

/** The events emitted by `action`, in order. */
async function eventsOf(action: () => Promise<unknown>): Promise<Stripe.Event[]> {
	const before = (await control().events()).length;
	await action();
	return (await control().events()).slice(before);
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

const card = (number: string) => ({
	cardNumber: number,
	cardExpiry: FUTURE_EXPIRY,
	cardCvc: "123",
});

describe("POST /v1/checkout/sessions with mode=subscription", () => {
	it("answers the first period's amounts, with no subscription, invoice or PaymentIntent yet", async () => {
		const customer = await createCustomer(test);
		const session = await test.stripe.checkout.sessions.create(
			subscriptionParams(customer.id, {}, { quantity: 2, interval: "year", amount: 30000 }),
			{ idempotencyKey: crypto.randomUUID() },
		);
		expect(session).toMatchObject({
			mode: "subscription",
			status: "open",
			payment_status: "unpaid",
			customer: customer.id,
			amount_subtotal: 60000,
			amount_total: 60000,
			subscription: null,
			invoice: null,
			payment_intent: null,
			payment_method_types: ["card"],
			payment_method_collection: "always",
			metadata: { product_id: "beans-club" },
		});
		const items = await test.stripe.checkout.sessions.listLineItems(session.id);
		expect(items.data[0]?.price).toMatchObject({
			type: "recurring",
			recurring: { interval: "year", interval_count: 1, usage_type: "licensed" },
			unit_amount: 30000,
		});
		const price = await test.stripe.prices.retrieve(String(items.data[0]?.price?.id));
		const product = await test.stripe.products.retrieve(String(price.product));
		expect(product).toMatchObject({ name: "Beans club", metadata: { product_id: "beans-club" } });
	});

	it("refuses what Stripe refuses, naming the param", async () => {
		const customer = await createCustomer(test);
		const oneTime = subscriptionParams(customer.id);
		const withoutRecurring = await stripeError(
			test.stripe.checkout.sessions.create({
				...oneTime,
				line_items: sessionParams().line_items,
			}),
		);
		expect(withoutRecurring.statusCode).toBe(400);
		expect(withoutRecurring.param).toBe("line_items");
		expect(withoutRecurring.message).toMatch(/at least one recurring price in `subscription` mode/);
		const recurringInPayment = await stripeError(
			test.stripe.checkout.sessions.create({
				...sessionParams(),
				line_items: subscriptionParams(customer.id).line_items,
			}),
		);
		expect(recurringInPayment.message).toMatch(/`payment` mode but passed a recurring price/);
		const intentData = await stripeError(
			test.stripe.checkout.sessions.create({
				...oneTime,
				payment_intent_data: { metadata: { order_id: "o1" } },
			}),
		);
		expect([intentData.statusCode, intentData.param]).toEqual([400, "payment_intent_data"]);
		const shipping = await stripeError(
			test.stripe.checkout.sessions.create({
				...oneTime,
				shipping_options: [
					{
						shipping_rate_data: {
							type: "fixed_amount",
							display_name: "Standard",
							fixed_amount: { amount: 500, currency: "usd" },
						},
					},
				],
			}),
		);
		expect(shipping.param).toBe("shipping_options");
		const subscriptionData = await stripeError(
			test.stripe.checkout.sessions.create({
				...sessionParams(),
				subscription_data: { metadata: { a: "b" } },
			}),
		);
		expect(subscriptionData.param).toBe("subscription_data");
		const trial = await stripeError(
			test.stripe.checkout.sessions.create({
				...oneTime,
				subscription_data: { trial_period_days: 7 },
			}),
		);
		expect(trial.param).toBe("subscription_data[trial_period_days]");
	});
});

describe("the hosted page of a subscription session", () => {
	it("shows the plan per period, the email read-only, cards only; in French too", async () => {
		const customer = await createCustomer(test);
		const session = await test.stripe.checkout.sessions.create(subscriptionParams(customer.id));
		const page = await (await fetch(String(session.url))).text();
		expect(page).toContain('<h1 id="subscribe-heading">Subscribe to Beans club</h1>');
		expect(page).toContain('<p class="price" id="recurring-price">$30.00 / month</p>');
		expect(page).toContain('<span class="amount">$30.00 / month</span>');
		expect(page).toContain('<strong id="total-amount">$30.00</strong>');
		expect(page).toContain('value="ada@example.com" readonly');
		expect(page).toContain('<button type="submit" id="pay">Subscribe</button>');
		expect(page).toContain(
			'<p class="hint" id="subscription-notice">You will be charged $30.00 / month until you cancel.',
		);
		expect(page).not.toContain("delayed-success");
		expect(page).not.toContain('id="save-card"');
		const french = await test.stripe.checkout.sessions.create(
			subscriptionParams(customer.id, { locale: "fr" }),
		);
		const frenchPage = await (await fetch(String(french.url))).text();
		expect(frenchPage).toContain('<html lang="fr">');
		expect(frenchPage).toContain("S&#39;abonner à Beans club");
		expect(frenchPage).toMatch(/<p class="price" id="recurring-price">30,00\s\$US \/ mois<\/p>/);
		expect(frenchPage).toContain("Total dû aujourd&#39;hui");
	});

	it("a declined card shows why and makes nothing", async () => {
		const customer = await createCustomer(test);
		const session = await test.stripe.checkout.sessions.create(subscriptionParams(customer.id));
		const events = await eventsOf(async () => {
			const declined = await submit(String(session.url), card("4000 0000 0000 9995"));
			expect(declined.status).toBe(402);
			expect(declined.html).toContain(
				'<div role="alert" id="payment-error">Your card has insufficient funds.</div>',
			);
		});
		expect(events).toEqual([]);
		expect(await control().subscriptions(customer.id)).toEqual([]);
		expect((await test.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
	});

	it("paid: the subscription, its first invoice, payment and card, in Stripe's event order", async () => {
		const customer = await createCustomer(test);
		const session = await test.stripe.checkout.sessions.create(
			subscriptionParams(customer.id, {
				shipping_address_collection: { allowed_countries: ["FR", "US"] },
				phone_number_collection: { enabled: true },
				customer_update: { address: "auto", shipping: "auto" },
				automatic_tax: { enabled: true },
			}),
		);
		await control().drain();
		receiver.clear();
		const events = await eventsOf(async () => {
			const paid = await submit(String(session.url), {
				...card("4242 4242 4242 4242"),
				shippingName: "Ada Lovelace",
				shippingLine1: "10 Rue de la Paix",
				shippingCity: "Paris",
				shippingPostalCode: "75002",
				shippingCountry: "FR",
				phone: "+33 6 12 34 56 78",
			});
			expect(paid.status).toBe(303);
			expect(paid.location).toBe(
				`https://shop.test/account/subscriptions?session_id=${session.id}`,
			);
		});
		expect(events.map((event) => event.type)).toEqual([
			"customer.updated",
			"payment_method.attached",
			"customer.subscription.created",
			"invoice.created",
			"invoice.finalized",
			"payment_intent.created",
			"charge.succeeded",
			"payment_intent.succeeded",
			"invoice.paid",
			"invoice.payment_succeeded",
			"invoice_payment.paid",
			"customer.subscription.updated",
			"checkout.session.completed",
		]);
		const created = events[2]?.data.object as Stripe.Subscription;
		expect(created.status).toBe("incomplete");
		expect(events[11]?.data.previous_attributes).toEqual({ status: "incomplete" });

		const done = await test.stripe.checkout.sessions.retrieve(session.id);
		expect(done).toMatchObject({
			status: "complete",
			payment_status: "paid",
			payment_intent: null,
			amount_subtotal: 3000,
			amount_total: 3600,
			total_details: { amount_tax: 600 },
			collected_information: {
				shipping_details: { name: "Ada Lovelace", address: { city: "Paris", country: "FR" } },
			},
			customer_details: { email: "ada@example.com", phone: "+33 6 12 34 56 78" },
		});
		const subscription = await test.stripe.subscriptions.retrieve(String(done.subscription), {
			expand: ["latest_invoice.payments"],
		});
		const item = subscription.items.data[0];
		expect(subscription).toMatchObject({
			status: "active",
			customer: customer.id,
			metadata: { customer_id: expect.any(String), product_id: "beans-club" },
			cancel_at_period_end: false,
			collection_method: "charge_automatically",
		});
		expect(item).toMatchObject({
			quantity: 1,
			price: { type: "recurring", recurring: { interval: "month" }, unit_amount: 3000 },
		});
		expect(item?.current_period_start).toBe(subscription.start_date);
		const start = new Date((item?.current_period_start ?? 0) * 1000);
		const nextMonth = new Date(start);
		nextMonth.setUTCMonth(start.getUTCMonth() + 1);
		if (nextMonth.getUTCDate() !== start.getUTCDate()) nextMonth.setUTCDate(0);
		expect(item?.current_period_end).toBe(nextMonth.getTime() / 1000);
		const product = await test.stripe.products.retrieve(String(item?.price.product));
		expect(product.metadata).toEqual({ product_id: "beans-club" });

		const invoice = subscription.latest_invoice as Stripe.Invoice;
		expect(invoice.id).toBe(done.invoice);
		expect(invoice).toMatchObject({
			billing_reason: "subscription_create",
			status: "paid",
			amount_due: 3600,
			amount_paid: 3600,
			amount_remaining: 0,
			subtotal: 3000,
			total: 3600,
			currency: "usd",
			customer: customer.id,
			customer_email: "ada@example.com",
			customer_shipping: { name: "Ada Lovelace", address: { line1: "10 Rue de la Paix" } },
			parent: {
				type: "subscription_details",
				subscription_details: {
					subscription: subscription.id,
					metadata: { product_id: "beans-club" },
				},
			},
			attempt_count: 1,
		});
		expect(invoice.status_transitions.paid_at).toEqual(expect.any(Number));
		expect(invoice).not.toHaveProperty("subscription");
		expect(invoice).not.toHaveProperty("payment_intent");
		const line = invoice.lines.data[0];
		expect(line).toMatchObject({
			quantity: 1,
			amount: 3000,
			description: "1 × Beans club (at $30.00 / month)",
			period: { start: item?.current_period_start, end: item?.current_period_end },
			pricing: { type: "price_details", price_details: { price: item?.price.id } },
			taxes: [{ amount: 600, tax_behavior: "exclusive" }],
		});
		const payment = invoice.payments?.data[0];
		expect(payment).toMatchObject({ status: "paid", amount_paid: 3600, is_default: true });
		const intent = await test.stripe.paymentIntents.retrieve(
			String(payment?.payment.payment_intent),
		);
		expect(intent).toMatchObject({
			status: "succeeded",
			amount: 3600,
			customer: customer.id,
			payment_method: subscription.default_payment_method,
			description: "Subscription creation",
		});
		const method = await test.stripe.paymentMethods.retrieve(
			String(subscription.default_payment_method),
		);
		expect(method).toMatchObject({ customer: customer.id, allow_redisplay: "always" });
		// Without expand, `payments` is not there (an includable field, as on Stripe).
		expect(await test.stripe.invoices.retrieve(invoice.id)).not.toHaveProperty("payments");
		const hosted = await fetch(String(invoice.hosted_invoice_url));
		const hostedPage = await hosted.text();
		expect(hosted.status).toBe(200);
		expect(hostedPage).toContain('<p id="invoice-status" data-status="paid"><strong>Paid</strong>');
		expect(hostedPage).toContain('<strong id="invoice-total">$36.00</strong>');
		// The customer got the address (customer_update) and the webhooks arrive signed, in order.
		const updated = (await test.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
		expect(updated.shipping?.address?.city).toBe("Paris");
		const hooks = await receiver.waitFor(events.length);
		expect(hooks.map((hook) => hook.type)).toEqual(events.map((event) => event.type));
		for (const hook of hooks.slice(0, 3)) {
			await test.stripe.webhooks.constructEventAsync(
				hook.body,
				String(hook.headers["stripe-signature"]),
				SECRET,
			);
		}
		// A refund of the subscription's payment goes through the refunds code.
		const refund = await test.stripe.refunds.create({ payment_intent: intent.id, amount: 1000 });
		expect(refund).toMatchObject({ status: "succeeded", charge: intent.latest_charge });
	});

	it("pays with a saved card, which stays as it is; the control API answers the subscription", async () => {
		const customer = await createCustomer(test);
		const saved = await control().saveCard(customer.id, { default: true });
		const session = await test.stripe.checkout.sessions.create(subscriptionParams(customer.id));
		const page = await (await fetch(String(session.url))).text();
		expect(page).toContain('id="saved-card-0" name="method" value="');
		const paid = await control().pay(session.id, { paymentMethod: saved.paymentMethod.id });
		expect(paid.outcome).toBe("succeeded");
		expect(paid.subscription).toMatchObject({
			status: "active",
			default_payment_method: saved.paymentMethod.id,
		});
		expect(paid.invoice?.payments?.data[0]?.status).toBe("paid");
		const events = await control().events({ objectId: saved.paymentMethod.id });
		expect(events.map((event) => event.type)).toEqual(["payment_method.attached"]);
		const expanded = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["subscription", "invoice"],
		});
		const sub = await test.stripe.subscriptions.retrieve(
			(expanded.subscription as Stripe.Subscription).id,
			{ expand: ["items.data.price.product"] },
		);
		const product = sub.items.data[0]?.price.product as Stripe.Product | undefined;
		expect(product?.metadata).toEqual({ product_id: "beans-club" });
		expect((expanded.invoice as Stripe.Invoice).status).toBe("paid");
		const bySubscription = await test.stripe.checkout.sessions.list({ subscription: sub.id });
		expect(bySubscription.data.map((each) => each.id)).toEqual([session.id]);
		const refused = await stripeError(test.stripe.checkout.sessions.retrieve("cs_nope"));
		expect(refused.statusCode).toBe(404);
	});

	it("a promotion code: the first invoice is discounted, a once coupon ends with it", async () => {
		await test.stripe.coupons.create({ id: "HALF1", percent_off: 50, duration: "once" });
		await test.stripe.promotionCodes.create({
			promotion: { type: "coupon", coupon: "HALF1" },
			code: "HALFOFF",
		});
		const { subscription, invoice } = await subscribe(test, {
			overrides: { allow_promotion_codes: true },
			pay: { promotionCode: "HALFOFF" },
		});
		expect(invoice).toMatchObject({ subtotal: 3000, total: 1500, amount_paid: 1500 });
		expect(invoice.total_discount_amounts?.[0]?.amount).toBe(1500);
		const renewal = await control().advanceSubscription(subscription.id);
		expect(renewal.invoice).toMatchObject({ subtotal: 3000, total: 3000, discounts: [] });
	});
});

describe("a coupon covering the first months", () => {
	it("repeating for 2 months: nothing to pay until the third period, the card saved anyway", async () => {
		await test.stripe.coupons.create({
			id: "FREE2",
			percent_off: 100,
			duration: "repeating",
			duration_in_months: 2,
		});
		const { session, subscription, invoice } = await subscribe(test, {
			overrides: { discounts: [{ coupon: "FREE2" }] },
		});
		expect(session).toMatchObject({ payment_status: "no_payment_required", amount_total: 0 });
		expect(invoice).toMatchObject({ status: "paid", total: 0, attempt_count: 0 });
		expect(invoice.payments?.data).toEqual([]);
		expect(subscription.discounts).toHaveLength(1);
		expect(subscription.default_payment_method).toEqual(expect.any(String));
		const second = await control().advanceSubscription(subscription.id);
		expect([second.outcome, second.invoice?.total, second.paymentIntent]).toEqual([
			"paid",
			0,
			null,
		]);
		const third = await control().advanceSubscription(subscription.id);
		expect(third.invoice).toMatchObject({ total: 3000, amount_paid: 3000 });
		expect(third.subscription.discounts).toEqual([]);
	});
});

describe("the subscriptions API", () => {
	it("lists by customer and status, updates metadata and quantity, cancels now", async () => {
		const { customer, subscription } = await subscribe(test);
		const listed = await test.stripe.subscriptions.list({ customer: customer.id });
		expect(listed.data.map((sub) => sub.id)).toEqual([subscription.id]);
		const item = subscription.items.data[0];
		const events = await eventsOf(async () => {
			const updated = await test.stripe.subscriptions.update(subscription.id, {
				items: [{ id: String(item?.id), quantity: 3 }],
				proration_behavior: "none",
				metadata: { plan: "family" },
			});
			expect(updated.items.data[0]?.quantity).toBe(3);
			expect(updated.metadata).toMatchObject({ plan: "family", product_id: "beans-club" });
		});
		expect(events.map((event) => event.type)).toEqual(["customer.subscription.updated"]);
		expect(events[0]?.data.previous_attributes).toMatchObject({ metadata: expect.any(Object) });
		const unknownItem = await stripeError(
			test.stripe.subscriptions.update(subscription.id, {
				items: [{ id: "si_nope", quantity: 1 }],
			}),
		);
		expect(unknownItem.param).toBe("items[0][id]");
		const canceled = await eventsOf(async () => {
			const answer = await test.stripe.subscriptions.cancel(subscription.id);
			expect(answer).toMatchObject({
				status: "canceled",
				canceled_at: expect.any(Number),
				ended_at: expect.any(Number),
				cancellation_details: { reason: "cancellation_requested" },
			});
		});
		expect(canceled.map((event) => event.type)).toEqual(["customer.subscription.deleted"]);
		expect((await test.stripe.subscriptions.list({ customer: customer.id })).data).toEqual([]);
		const all = await test.stripe.subscriptions.list({ customer: customer.id, status: "all" });
		expect(all.data.map((sub) => sub.status)).toEqual(["canceled"]);
		const ended = await test.stripe.subscriptions.list({
			customer: customer.id,
			status: "canceled",
		});
		expect(ended.data).toHaveLength(1);
		const again = await stripeError(test.stripe.subscriptions.cancel(subscription.id));
		expect(again.statusCode).toBe(400);
		const invoices = await test.stripe.invoices.list({ subscription: subscription.id });
		expect(invoices.data.map((invoice) => invoice.billing_reason)).toEqual(["subscription_create"]);
	});

	it("cancel_at_period_end true, then false", async () => {
		const { subscription } = await subscribe(test);
		const cancel = await test.stripe.subscriptions.update(subscription.id, {
			cancel_at_period_end: true,
		});
		expect(cancel).toMatchObject({
			cancel_at_period_end: true,
			cancel_at: subscription.items.data[0]?.current_period_end,
			canceled_at: expect.any(Number),
			status: "active",
			cancellation_details: { reason: "cancellation_requested" },
		});
		const keep = await test.stripe.subscriptions.update(subscription.id, {
			cancel_at_period_end: false,
		});
		expect(keep).toMatchObject({
			cancel_at_period_end: false,
			cancel_at: null,
			canceled_at: null,
			cancellation_details: { reason: null },
		});
		const missing = await stripeError(test.stripe.subscriptions.retrieve("sub_nope"));
		expect(missing.statusCode).toBe(404);
	});
});
