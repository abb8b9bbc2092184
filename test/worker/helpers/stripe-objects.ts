import type Stripe from "stripe";
import chargeFixture from "../../../packages/stripe-emulator/test/fixtures/stripe/charge.json";
import sessionFixture from "../../../packages/stripe-emulator/test/fixtures/stripe/checkout.session.json";
import eventFixture from "../../../packages/stripe-emulator/test/fixtures/stripe/event.json";
import paymentIntentFixture from "../../../packages/stripe-emulator/test/fixtures/stripe/payment_intent.json";
import { STRIPE_API_VERSION } from "../../../src/lib/stripe.ts";

/**
 * Stripe objects for test events: Stripe's own fixtures with only the fields a
 * real object of that kind and state would differ in.
 */
let seq = 0;
export const uniqueId = (prefix: string) =>
	`${prefix}_test${Date.now().toString(36)}${(seq++).toString(36)}${crypto.randomUUID().slice(0, 8)}`;

/**
 * The session each test order was given (by `insertOrder`): a session event for
 * an order carries that order's own session, as on Stripe, unless a test says
 * otherwise.
 */
export const sessionOfOrder = new Map<string, string>();

/** Likewise one PaymentIntent per order: every event about its payment names the same one. */
const paymentIntentOfOrder = new Map<string, string>();
export function paymentIntentIdOf(orderId: string): string {
	let id = paymentIntentOfOrder.get(orderId);
	if (!id) {
		id = uniqueId("pi");
		paymentIntentOfOrder.set(orderId, id);
	}
	return id;
}

export function checkoutSession(
	fields: Partial<Stripe.Checkout.Session> & { orderId: string },
): Stripe.Checkout.Session {
	const { orderId, ...rest } = fields;
	const base = structuredClone(sessionFixture) as unknown as Stripe.Checkout.Session;
	return {
		...base,
		id: sessionOfOrder.get(orderId) ?? uniqueId("cs"),
		client_reference_id: orderId,
		metadata: { order_id: orderId },
		payment_intent: null,
		currency: "usd",
		amount_subtotal: 4800,
		amount_total: 4800,
		// Nothing added or taken off on Stripe's page, nothing shipped, unless a test says so.
		total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
		shipping_cost: null,
		collected_information: null,
		status: "open",
		payment_status: "unpaid",
		...rest,
	};
}

export function completedSession(
	fields: Partial<Stripe.Checkout.Session> & { orderId: string },
): Stripe.Checkout.Session {
	return checkoutSession({
		status: "complete",
		payment_status: "paid",
		payment_intent: paymentIntentIdOf(fields.orderId),
		...fields,
	});
}

export function paymentIntent(
	fields: Partial<Stripe.PaymentIntent> & { orderId?: string },
): Stripe.PaymentIntent {
	const { orderId, ...rest } = fields;
	const base = structuredClone(paymentIntentFixture) as unknown as Stripe.PaymentIntent;
	return {
		...base,
		id: orderId ? paymentIntentIdOf(orderId) : uniqueId("pi"),
		amount: 4800,
		amount_received: 0,
		currency: "usd",
		metadata: orderId ? { order_id: orderId } : {},
		last_payment_error: null,
		next_action: null,
		canceled_at: null,
		status: "requires_payment_method",
		...rest,
	};
}

export function declinedPaymentIntent(
	fields: Partial<Stripe.PaymentIntent> & { orderId?: string },
): Stripe.PaymentIntent {
	return paymentIntent({
		last_payment_error: {
			type: "card_error",
			code: "card_declined",
			decline_code: "generic_decline",
			message: "Your card was declined.",
		} as Stripe.PaymentIntent.LastPaymentError,
		...fields,
	});
}

export function charge(fields: Partial<Stripe.Charge>): Stripe.Charge {
	const base = structuredClone(chargeFixture) as unknown as Stripe.Charge;
	return { ...base, id: uniqueId("ch"), amount: 4800, currency: "usd", metadata: {}, ...fields };
}

export function stripeEvent<T extends Stripe.Event["type"]>(
	type: T,
	object: unknown,
	fields: { id?: string; created?: number } = {},
): Stripe.Event {
	const base = structuredClone(eventFixture);
	return {
		...base,
		id: fields.id ?? uniqueId("evt"),
		api_version: STRIPE_API_VERSION,
		created: fields.created ?? Math.floor(Date.now() / 1000),
		type,
		data: { object },
	} as unknown as Stripe.Event;
}
