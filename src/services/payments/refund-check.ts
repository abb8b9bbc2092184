import type Stripe from "stripe";
import type { StripeClient } from "../../lib/stripe.ts";
import type { StripeDeps } from "../deps.ts";
import { applyFact } from "../orders/apply-fact.ts";
import type { OrderRow } from "../orders/orders.ts";
import { recordRefunds, refundsOfCharge } from "./refund-records.ts";

/**
 * Asks Stripe how much of a paid order's payment is refunded (one call: the
 * PaymentIntent with its latest charge) and applies a larger total through the
 * single writer, as a `charge.refunded` event would: a refund made in the
 * Dashboard whose webhook was lost still reaches the order. True when it did.
 */
export async function checkRefunds(deps: StripeDeps, order: OrderRow): Promise<boolean> {
	const charge = await latestCharge(deps.stripe, order);
	if (!charge || charge.amount_refunded <= order.amountRefunded) return false;
	await recordRefunds(deps.db, order.id, await refundsOfCharge(deps.stripe, charge), deps.now());
	const result = await applyFact(
		deps,
		order.id,
		{
			kind: "refund",
			// Stripe's own time for the refund (never the worker's clock).
			created: latestRefundTime(charge) ?? charge.created,
			amountRefunded: charge.amount_refunded,
			currency: charge.currency,
			charged: charge.amount_captured,
			paymentIntentId: typeof charge.payment_intent === "string" ? charge.payment_intent : null,
		},
		{ source: "reconcile" },
	);
	return result.outcome !== "not_found" && result.written;
}

async function latestCharge(stripe: StripeClient, order: OrderRow): Promise<Stripe.Charge | null> {
	let intent: Stripe.PaymentIntent | null = null;
	if (order.stripePaymentIntentId) {
		intent = await stripe.paymentIntents.retrieve(order.stripePaymentIntentId, {
			expand: ["latest_charge"],
		});
	} else if (order.stripeCheckoutSessionId) {
		const session = await stripe.checkout.sessions.retrieve(order.stripeCheckoutSessionId, {
			expand: ["payment_intent.latest_charge"],
		});
		intent = typeof session.payment_intent === "object" ? session.payment_intent : null;
	}
	const charge = intent?.latest_charge;
	return charge && typeof charge === "object" ? charge : null;
}

function latestRefundTime(charge: Stripe.Charge): number | null {
	const times = (charge.refunds?.data ?? []).map((r) => r.created);
	return times.length > 0 ? Math.max(...times) : null;
}
