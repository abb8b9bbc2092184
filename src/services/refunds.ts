import type Stripe from "stripe";
import type { Fact } from "../domain/facts.ts";
import { orderNotFound } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import { formatMoney } from "../lib/money.ts";
import { untilStripeAnswers } from "../lib/stripe.ts";
import { invalidAmount, noPayment, orderNotPaid, stripeCallFailed } from "./admin-errors.ts";
import { applyFact } from "./apply-fact.ts";
import type { StripeDeps } from "./deps.ts";
import type { OrderRow } from "./orders.ts";
import { findOrder } from "./orders.ts";
import { ADMIN_REFUND_METADATA, recordRefunds } from "./refund-records.ts";
import { retrieveSession } from "./sync.ts";

export type RefundAnswer = { refundId: string; amount: number; status: string | null };

/**
 * Stripe idempotency key of a refund: the same request against the same
 * refund state (a double click) is one refund at Stripe, while a deliberate
 * second partial refund, made once the first is recorded, gets a new key.
 */
export function refundIdempotencyKey(orderId: string, alreadyRefunded: number, amount: number) {
	return `order-${orderId}-refund-${alreadyRefunded}-${amount}`;
}

/**
 * Refunds part (`requested`, minor units) or the rest of a paid order at
 * Stripe, then applies the refund through the single writer so the order
 * shows it before `charge.refunded` arrives (which is then a no-op).
 * Throws 404, 409 `order_not_paid`, 400 `invalid_amount`, or a Stripe failure.
 */
export async function refundOrder(
	deps: StripeDeps,
	orderId: string,
	requested?: number,
): Promise<RefundAnswer> {
	const order = await findOrder(deps.db, orderId);
	if (!order) throw orderNotFound();
	const rest = order.amount - order.amountRefunded;
	const refundable = order.status === "paid" || order.status === "fulfilled";
	if (!refundable || rest <= 0) throw orderNotPaid(order.status, rest);
	const amount = requested ?? rest;
	if (!Number.isSafeInteger(amount) || amount < 1)
		throw invalidAmount("amount must be a positive integer in minor units.");
	if (amount > rest) {
		throw invalidAmount(
			`${formatMoney(amount, order.currency)} is more than the ${formatMoney(rest, order.currency)} left to refund.`,
		);
	}

	const log = deps.log.child({ orderId: order.id });
	const paymentIntentId = order.stripePaymentIntentId ?? (await paymentIntentOf(deps, order, log));
	log.info("admin refund requested", {
		paymentIntentId,
		amount,
		currency: order.currency,
		amountRefundedBefore: order.amountRefunded,
	});
	let refund: Stripe.Response<Stripe.Refund>;
	try {
		// A double click (or ten) is one refund: the others wait for it and get it replayed.
		refund = await untilStripeAnswers(() =>
			deps.stripe.refunds.create(
				{
					payment_intent: paymentIntentId,
					amount,
					metadata: { order_id: order.id, ...ADMIN_REFUND_METADATA },
					// The charge tells the cumulative amount refunded, Dashboard refunds included.
					expand: ["charge"],
				},
				{ idempotencyKey: refundIdempotencyKey(order.id, order.amountRefunded, amount) },
			),
		);
	} catch (err) {
		throw stripeCallFailed(log, "admin refund", err);
	}
	log.info("admin refund created", {
		paymentIntentId,
		refundId: refund.id,
		amount: refund.amount,
		refundStatus: refund.status,
		replayed: refund.lastResponse?.headers?.["idempotent-replayed"] === "true",
	});
	// Recorded whatever its status: a refund that failed is part of the order's history too.
	await recordRefunds(deps.db, order.id, [refund], deps.now());
	if (refund.status !== "failed" && refund.status !== "canceled") {
		await applyFact(deps, order.id, refundFact(deps, order, refund, paymentIntentId), {
			source: "admin",
		});
	}
	return { refundId: refund.id, amount: refund.amount, status: refund.status };
}

function refundFact(
	deps: StripeDeps,
	order: OrderRow,
	refund: Stripe.Refund,
	paymentIntentId: string,
): Fact {
	const charge = typeof refund.charge === "object" ? refund.charge : null;
	return {
		kind: "refund",
		// Stripe's own time for the refund when it is ahead of ours: never older than what it answers.
		created: Math.max(Math.floor(deps.now() / 1000), refund.created),
		amountRefunded: charge?.amount_refunded ?? order.amountRefunded + refund.amount,
		currency: refund.currency,
		paymentIntentId,
	};
}

/** An order paid before its PaymentIntent was recorded: its session knows it. */
async function paymentIntentOf(deps: StripeDeps, order: OrderRow, log: Logger): Promise<string> {
	const sessionId = order.stripeCheckoutSessionId;
	if (!sessionId) throw noPayment();
	let session: Stripe.Checkout.Session;
	try {
		session = await retrieveSession(deps.stripe, sessionId);
	} catch (err) {
		throw stripeCallFailed(log, "admin refund: session lookup", err);
	}
	const pi = session.payment_intent;
	const id = typeof pi === "string" ? pi : (pi?.id ?? null);
	if (!id) throw noPayment();
	return id;
}
