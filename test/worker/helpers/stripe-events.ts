/**
 * The events Stripe sends about one order, as builders: one set for every
 * webhook test (each event carries the order's own session and PaymentIntent
 * unless a test says otherwise, as on Stripe).
 */
import type Stripe from "stripe";
import {
	charge,
	checkoutSession,
	completedSession,
	declinedPaymentIntent,
	paymentIntent,
	paymentIntentIdOf,
	stripeEvent,
} from "./stripe-objects.ts";

type OrderLike = { id: string; amount?: number; currency?: string };
const now = () => Math.floor(Date.now() / 1000);
const amountOf = (o: OrderLike) => o.amount ?? 4800;

/** The order's completed session, paid or (a delayed method) not yet. */
const completed = (o: OrderLike, pi: string, paid: boolean) =>
	completedSession({
		orderId: o.id,
		payment_intent: pi,
		payment_status: paid ? "paid" : "unpaid",
		amount_total: amountOf(o),
		currency: o.currency ?? "usd",
	});

export const events = {
	completedPaid: (o: OrderLike, pi = paymentIntentIdOf(o.id), created = now()): Stripe.Event =>
		stripeEvent("checkout.session.completed", completed(o, pi, true), { created }),
	/** A delayed method (bank debit): completed, not paid yet. */
	completedUnpaid: (o: OrderLike, created = now(), pi = paymentIntentIdOf(o.id)): Stripe.Event =>
		stripeEvent("checkout.session.completed", completed(o, pi, false), { created }),
	asyncSucceeded: (o: OrderLike, created = now(), pi = paymentIntentIdOf(o.id)): Stripe.Event =>
		stripeEvent("checkout.session.async_payment_succeeded", completed(o, pi, true), { created }),
	asyncFailed: (o: OrderLike, created = now(), pi = paymentIntentIdOf(o.id)): Stripe.Event =>
		stripeEvent("checkout.session.async_payment_failed", completed(o, pi, false), { created }),
	expired: (o: OrderLike, created = now()): Stripe.Event =>
		stripeEvent(
			"checkout.session.expired",
			checkoutSession({
				orderId: o.id,
				status: "expired",
				payment_status: "unpaid",
				payment_intent: null,
			}),
			{ created },
		),
	piSucceeded: (o: OrderLike, pi = paymentIntentIdOf(o.id), created = now()): Stripe.Event =>
		stripeEvent(
			"payment_intent.succeeded",
			paymentIntent({
				orderId: o.id,
				id: pi,
				status: "succeeded",
				amount: amountOf(o),
				amount_received: amountOf(o),
			}),
			{ created },
		),
	piFailed: (o: OrderLike, pi = paymentIntentIdOf(o.id), created = now()): Stripe.Event =>
		stripeEvent("payment_intent.payment_failed", declinedPaymentIntent({ orderId: o.id, id: pi }), {
			created,
		}),
	refunded: (pi: string, amountRefunded: number, created = now()): Stripe.Event =>
		stripeEvent(
			"charge.refunded",
			charge({
				payment_intent: pi,
				amount: 4800,
				amount_refunded: amountRefunded,
				refunded: amountRefunded >= 4800,
			}),
			{ created },
		),
};
