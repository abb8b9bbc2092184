import type Stripe from "stripe";
import { isSingleAddress } from "../lib/email-address.ts";
import type { Fact, PaymentDetails, SessionTotals, ShippingDetails } from "./facts.ts";

export {
	HANDLED_EVENT_TYPES,
	type HandledEventType,
	isHandledEventType,
} from "./handled-events.ts";

/** The one place where Stripe's vocabulary becomes ours. */
/** How to find the order an object belongs to: our metadata first, Stripe ids as a fallback. */
export type OrderRef = {
	orderId: string | null;
	sessionId: string | null;
	paymentIntentId: string | null;
};

export type EventFact = { ref: OrderRef; fact: Fact } | { ignore: string };

const idOf = (value: string | { id: string } | null | undefined): string | null =>
	value == null ? null : typeof value === "string" ? value : value.id;

const metadataOrderId = (metadata: Stripe.Metadata | null | undefined): string | null =>
	metadata?.order_id?.trim() || null;

function sessionRef(session: Stripe.Checkout.Session): OrderRef {
	return {
		orderId: metadataOrderId(session.metadata) ?? session.client_reference_id ?? null,
		sessionId: session.id,
		paymentIntentId: idOf(session.payment_intent),
	};
}

/** An address Stripe gives, kept only when it is one plain address. */
const address = (text: string | null | undefined): string | null =>
	text && isSingleAddress(text) ? text : null;

function sessionDetails(session: Stripe.Checkout.Session) {
	return {
		paymentIntentId: idOf(session.payment_intent),
		customerEmail: address(session.customer_details?.email ?? session.customer_email),
	};
}

/**
 * What a completed session charges: `amount_total`, judged by its `amount_subtotal`
 * against ours. A session without them (never seen in payment mode) says only its total.
 */
function sessionCharge(session: Stripe.Checkout.Session): {
	amount: number;
	currency: string;
	totals?: SessionTotals;
} {
	const amount = session.amount_total ?? 0;
	const currency = session.currency ?? "";
	if (session.amount_subtotal == null || session.amount_total == null) return { amount, currency };
	const totals = session.total_details;
	return {
		amount,
		currency,
		totals: {
			subtotal: session.amount_subtotal,
			discount: totals?.amount_discount ?? 0,
			shipping: totals?.amount_shipping ?? 0,
			tax: totals?.amount_tax ?? 0,
			discountCode: discountCode(session),
		},
	};
}

/** The promotion code the shopper entered, when the session came with `discounts.promotion_code` expanded. */
function discountCode(session: Stripe.Checkout.Session): string | null {
	for (const discount of session.discounts ?? []) {
		const promo = discount.promotion_code;
		if (promo && typeof promo === "object" && promo.code) return promo.code;
	}
	return null;
}

/**
 * Where the goods go; the rate's name only when the session came with
 * `shipping_cost.shipping_rate` expanded (an event carries its id alone).
 */
function sessionShipping(session: Stripe.Checkout.Session): ShippingDetails | null {
	const details = session.collected_information?.shipping_details;
	if (!details) return null;
	const rate = session.shipping_cost?.shipping_rate;
	return {
		name: details.name ?? null,
		line1: details.address?.line1 ?? null,
		line2: details.address?.line2 ?? null,
		city: details.address?.city ?? null,
		postalCode: details.address?.postal_code ?? null,
		state: details.address?.state ?? null,
		country: details.address?.country ?? null,
		phone: session.customer_details?.phone ?? null,
		rateName: rate && typeof rate === "object" ? (rate.display_name ?? null) : null,
	};
}

/** The card and receipt, when the session came with `payment_intent.latest_charge` expanded. */
function sessionPayment(session: Stripe.Checkout.Session): PaymentDetails | null {
	const pi = typeof session.payment_intent === "object" ? session.payment_intent : null;
	const charge = pi && typeof pi.latest_charge === "object" ? pi.latest_charge : null;
	if (!charge) return null;
	const card = charge.payment_method_details?.card;
	return {
		brand: card?.brand ?? null,
		last4: card?.last4 ?? null,
		receiptUrl: charge.receipt_url ?? null,
	};
}

function paidFromSession(session: Stripe.Checkout.Session, created: number): Fact {
	return {
		kind: "paid",
		created,
		...sessionCharge(session),
		shipping: sessionShipping(session),
		payment: sessionPayment(session),
		...sessionDetails(session),
		fromCompletedSession: true,
	};
}

function processingFromSession(session: Stripe.Checkout.Session, created: number): Fact {
	const charge = sessionCharge(session);
	return {
		kind: "processing",
		created,
		...(charge.totals && { charge: { ...charge, totals: charge.totals } }),
		shipping: sessionShipping(session),
		...sessionDetails(session),
		fromCompletedSession: true,
	};
}

/** The address the shopper gave with the payment method, as a PaymentIntent's event tells it. */
function payerEmail(pi: Stripe.PaymentIntent): string | null {
	const method = pi.last_payment_error?.payment_method;
	return address(
		(typeof method === "object" && method?.billing_details?.email) || pi.receipt_email,
	);
}

function paymentFailure(pi: Stripe.PaymentIntent) {
	const error = pi.last_payment_error;
	return {
		code: error?.decline_code ?? error?.code ?? "payment_failed",
		message: error?.message ?? "The payment failed.",
	};
}

/** Maps a verified event to a fact about one of our orders, or says why it is ignored. */
export function factFromEvent(event: Stripe.Event): EventFact {
	const created = event.created;
	switch (event.type) {
		case "checkout.session.completed": {
			const session = event.data.object;
			if (session.mode !== "payment") return { ignore: `session mode ${session.mode}` };
			if (session.payment_status === "unpaid") {
				return { ref: sessionRef(session), fact: processingFromSession(session, created) };
			}
			return { ref: sessionRef(session), fact: paidFromSession(session, created) };
		}
		case "checkout.session.async_payment_succeeded": {
			const session = event.data.object;
			return { ref: sessionRef(session), fact: paidFromSession(session, created) };
		}
		case "checkout.session.async_payment_failed": {
			const session = event.data.object;
			return {
				ref: sessionRef(session),
				fact: {
					kind: "failed",
					created,
					code: "async_payment_failed",
					message: "The payment did not go through.",
					asked: session.amount_total,
					...sessionDetails(session),
					fromCompletedSession: true,
				},
			};
		}
		case "checkout.session.expired": {
			const session = event.data.object;
			return {
				ref: sessionRef(session),
				fact: { kind: "expired", created, ...sessionDetails(session) },
			};
		}
		case "payment_intent.succeeded": {
			const pi = event.data.object;
			return {
				ref: { orderId: metadataOrderId(pi.metadata), sessionId: null, paymentIntentId: pi.id },
				fact: {
					kind: "paid",
					created,
					amount: pi.amount_received || pi.amount,
					currency: pi.currency,
					paymentIntentId: pi.id,
					customerEmail: address(pi.receipt_email) ?? payerEmail(pi),
				},
			};
		}
		case "payment_intent.payment_failed": {
			const pi = event.data.object;
			return {
				ref: { orderId: metadataOrderId(pi.metadata), sessionId: null, paymentIntentId: pi.id },
				fact: {
					kind: "failed",
					created,
					paymentIntentId: pi.id,
					// A declined card leaves the session open: its payment method is where the address is.
					customerEmail: payerEmail(pi),
					asked: pi.amount,
					...paymentFailure(pi),
				},
			};
		}
		case "charge.refunded": {
			const charge = event.data.object;
			const paymentIntentId = idOf(charge.payment_intent);
			return {
				ref: { orderId: metadataOrderId(charge.metadata), sessionId: null, paymentIntentId },
				fact: {
					kind: "refund",
					created,
					amountRefunded: charge.amount_refunded,
					currency: charge.currency,
					charged: charge.amount_captured,
					paymentIntentId,
				},
			};
		}
		default:
			return { ignore: `unhandled event type ${event.type}` };
	}
}

/**
 * Maps a retrieved session (with `payment_intent.latest_charge` expanded) to a
 * fact, or null when it tells nothing new. The fact is dated by Stripe's own
 * timestamps (the session's expiry, else its latest charge's, its
 * PaymentIntent's or its own creation), never by
 * the worker's clock: a look-up must not make a later-delivered event look old.
 */
export function factFromSession(session: Stripe.Checkout.Session): Fact | null {
	const pi = typeof session.payment_intent === "object" ? session.payment_intent : null;
	const charge = pi && typeof pi.latest_charge === "object" ? pi.latest_charge : null;
	const created =
		session.status === "expired"
			? session.expires_at
			: (charge?.created ?? pi?.created ?? session.created);
	const details = sessionDetails(session);
	if (session.status === "expired") return { kind: "expired", created, ...details };
	if (session.status === "complete") {
		if (session.payment_status === "paid" || session.payment_status === "no_payment_required") {
			return paidFromSession(session, created);
		}
		switch (pi?.status) {
			case "succeeded":
				return paidFromSession(session, created);
			case "processing":
				return processingFromSession(session, created);
			case "requires_payment_method":
			case "canceled":
				return {
					kind: "failed",
					created,
					...details,
					...paymentFailure(pi),
					asked: session.amount_total,
					fromCompletedSession: true,
				};
			default:
				return null;
		}
	}
	if (session.status === "open" && pi?.last_payment_error) {
		return { kind: "failed", created, ...details, ...paymentFailure(pi), asked: pi.amount };
	}
	return null;
}

/**
 * A session event's paid fact completed with what only a look-up tells (the
 * shipping rate's name, the promotion code, the card and the receipt); the
 * charge itself stays the event's.
 */
export function withLookedUpDetails(fact: Fact, session: Stripe.Checkout.Session): Fact {
	if (fact.kind !== "paid") return fact;
	const shipping = sessionShipping(session);
	return {
		...fact,
		...(fact.totals && { totals: { ...fact.totals, discountCode: discountCode(session) } }),
		shipping: fact.shipping ? { ...fact.shipping, rateName: shipping?.rateName ?? null } : shipping,
		payment: sessionPayment(session),
	};
}
