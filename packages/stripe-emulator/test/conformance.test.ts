import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.ts";
import { DEMO_PROMOTION_CODES } from "../src/server.ts";
import { expectStripeShape, readFixture, shapeDifferences } from "./helpers/conformance.ts";
import { sessionParams, startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { createShopSession } from "./helpers/shop-session.ts";
import { subscribe } from "./helpers/subscription-session.ts";

// The emulator's objects must carry every top-level field of Stripe's published fixtures,
// with the same JSON types (null allowed on either side), so code written against the
// emulator reads real Stripe objects the same way.

let test: TestEmulator;
let paid: { session: Stripe.Checkout.Session; intent: Stripe.PaymentIntent };
beforeAll(async () => {
	test = await startTestEmulator({ promotionCodes: DEMO_PROMOTION_CODES });
	const created = await test.stripe.checkout.sessions.create(sessionParams());
	await test.control("POST", `/_emulator/sessions/${created.id}/pay`, { card: "4000000000000002" });
	await test.control("POST", `/_emulator/sessions/${created.id}/pay`);
	const session = await test.stripe.checkout.sessions.retrieve(created.id);
	const intent = await test.stripe.paymentIntents.retrieve(String(session.payment_intent));
	paid = { session, intent };
});
afterAll(() => test.close());

describe("objects have Stripe's fields and types", () => {
	it("checkout.session, open and complete", async () => {
		expectStripeShape(
			await test.stripe.checkout.sessions.create(sessionParams()),
			"checkout.session",
		);
		expectStripeShape(paid.session, "checkout.session");
	});

	it("payment_intent, succeeded and after a decline", async () => {
		expectStripeShape(paid.intent, "payment_intent");
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const declined = await test.control<{ paymentIntent: Stripe.PaymentIntent }>(
			"POST",
			`/_emulator/sessions/${session.id}/pay`,
			{ card: "4000000000009995" },
		);
		expectStripeShape(
			await test.stripe.paymentIntents.retrieve(declined.body.paymentIntent.id),
			"payment_intent",
		);
	});

	it("charge", async () => {
		expectStripeShape(
			await test.stripe.charges.retrieve(String(paid.intent.latest_charge)),
			"charge",
		);
	});

	it("refund", async () => {
		expectStripeShape(
			await test.stripe.refunds.create({ payment_intent: paid.intent.id, amount: 100 }),
			"refund",
		);
	});

	it("event", async () => {
		const events = await test.stripe.events.list({ limit: 100 });
		for (const event of events.data) expectStripeShape(event, "event");
	});

	it("checkout.session, payment_intent and line items with shipping, a discount and tax", async () => {
		const created = await createShopSession(test);
		const control = emulatorClient(test.emulator.url);
		await control.pay(created.id, { promotionCode: "WELCOME10" });
		const session = await test.stripe.checkout.sessions.retrieve(created.id);
		expectStripeShape(session, "checkout.session");
		expectStripeShape(
			await test.stripe.paymentIntents.retrieve(String(session.payment_intent)),
			"payment_intent",
		);
		for (const item of (await test.stripe.checkout.sessions.listLineItems(created.id)).data) {
			expectStripeShape(item, "item");
		}
		const rate = await test.stripe.shippingRates.retrieve(
			String(session.shipping_cost?.shipping_rate),
		);
		expectStripeShape(rate, "shipping_rate");
	});

	it("coupon and promotion_code", async () => {
		const coupon = await test.stripe.coupons.create({ percent_off: 25.5, duration: "forever" });
		expectStripeShape(coupon, "coupon");
		expectStripeShape(
			await test.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id } }),
			"promotion_code",
		);
	});

	it("customer, payment_method, setup_intent, a setup session and billing_portal.session", async () => {
		const control = emulatorClient(test.emulator.url);
		const customer = await test.stripe.customers.create({
			email: "ada@example.com",
			preferred_locales: ["fr"],
			metadata: { customer_id: "c1" },
		});
		expectStripeShape(customer, "customer");
		const { paymentMethod } = await control.saveCard(customer.id, { default: true });
		expectStripeShape(
			await test.stripe.paymentMethods.retrieve(paymentMethod.id),
			"payment_method",
		);
		expectStripeShape(await test.stripe.customers.retrieve(customer.id), "customer");
		const setup = await test.stripe.checkout.sessions.create({
			mode: "setup",
			currency: "eur",
			customer: customer.id,
			success_url: "https://shop.test/account",
		});
		const saved = await control.pay(setup.id);
		expectStripeShape(
			await test.stripe.setupIntents.retrieve(String(saved.setupIntent?.id)),
			"setup_intent",
		);
		expectStripeShape(await test.stripe.checkout.sessions.retrieve(setup.id), "checkout.session");
		expectStripeShape(
			await test.stripe.billingPortal.sessions.create({ customer: customer.id }),
			"billing_portal.session",
		);
	});

	it("subscription, subscription_item, invoice, line_item, invoice_payment, price and product", async () => {
		const control = emulatorClient(test.emulator.url);
		const { subscription, invoice } = await subscribe(test);
		const renewal = await control.advanceSubscription(subscription.id);
		for (const sub of [subscription, renewal.subscription]) {
			expectStripeShape(sub, "subscription");
			for (const item of sub.items.data) expectStripeShape(item, "subscription_item");
		}
		// The pinned API moved the invoice's subscription to `parent.subscription_details`.
		for (const id of [invoice.id, String(renewal.invoice?.id)]) {
			const retrieved = await test.stripe.invoices.retrieve(id, { expand: ["payments"] });
			expectStripeShape(retrieved, "invoice", ["subscription"]);
			for (const line of retrieved.lines.data) expectStripeShape(line, "line_item");
			for (const payment of retrieved.payments?.data ?? []) {
				expectStripeShape(payment, "invoice_payment");
			}
		}
		// Read raw: stripe-node turns `unit_amount_decimal` into a Decimal object.
		const response = await fetch(
			`${test.emulator.url}/v1/prices/${subscription.items.data[0]?.price.id}`,
			{ headers: { authorization: "Bearer sk_test_emulator" } },
		);
		const price = (await response.json()) as Stripe.Price;
		expectStripeShape(price, "price");
		expectStripeShape(await test.stripe.products.retrieve(String(price.product)), "product");
		const events = await test.stripe.events.list({ type: "invoice.*", limit: 100 });
		for (const event of events.data)
			expectStripeShape(event.data.object, "invoice", ["subscription"]);
	});

	it("line item", async () => {
		const items = await test.stripe.checkout.sessions.listLineItems(paid.session.id);
		for (const item of items.data) expectStripeShape(item, "item");
	});
});

describe("the shape check itself", () => {
	it("reports a missing field and a field of another type, and allows nulls", () => {
		const { amount: _, ...rest } = readFixture("refund");
		expect(shapeDifferences({ ...rest, currency: 12, charge: null }, "refund")).toEqual([
			'missing "amount"',
			'"currency" is number, Stripe sends string',
		]);
	});
});
