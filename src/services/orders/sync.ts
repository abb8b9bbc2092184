import { and, eq, isNull, lt, or } from "drizzle-orm";
import type Stripe from "stripe";
import { orders } from "../../db/schema.ts";
import { factFromSession } from "../../domain/stripe-facts.ts";
import { awaitsSessionReport, isOpenStatus } from "../../domain/transitions.ts";
import type { TransitionSource } from "../../domain/vocabulary.ts";
import { describeError } from "../../lib/log.ts";
import type { StripeClient } from "../../lib/stripe.ts";
import type { Deps, StripeDeps } from "../deps.ts";
import type { ApplyResult } from "./apply-fact.ts";
import { applyFact } from "./apply-fact.ts";
import type { OrderRow, OrderWithItems } from "./orders.ts";
import { findOrderWithItems } from "./orders.ts";

export async function retrieveSession(
	stripe: StripeClient,
	sessionId: string,
): Promise<Stripe.Checkout.Session> {
	return stripe.checkout.sessions.retrieve(sessionId, {
		expand: [
			"payment_intent.latest_charge",
			"shipping_cost.shipping_rate",
			"discounts.promotion_code",
		],
	});
}

/**
 * Asks Stripe for the order's session and applies what it says through the
 * single writer. Returns null when the session tells nothing new.
 */
export async function syncOrder(
	deps: StripeDeps,
	order: OrderRow,
	source: TransitionSource,
	session?: Stripe.Checkout.Session,
): Promise<ApplyResult | null> {
	if (!order.stripeCheckoutSessionId) return null;
	const current = session ?? (await retrieveSession(deps.stripe, order.stripeCheckoutSessionId));
	const fact = factFromSession(current);
	if (!fact) return null;
	return applyFact(deps, order.id, fact, { source });
}

/** An order whose page Stripe can still change: not final, or paid without its session's report. */
const needsStripe = (order: OrderRow) => isOpenStatus(order.status) || awaitsSessionReport(order);

/** Minimum time between two Stripe look-ups for one order from the success page. */
export const SYNC_INTERVAL_MS = 3000;

/**
 * Claims the right to ask Stripe about an open order now: true for at most one
 * caller per order per `intervalMs`, so a polling page cannot become a storm
 * of Stripe requests.
 */
export async function claimSync(
	deps: Deps,
	order: OrderRow,
	intervalMs = SYNC_INTERVAL_MS,
): Promise<boolean> {
	if (!needsStripe(order) || !order.stripeCheckoutSessionId) return false;
	const now = deps.now();
	const result = await deps.db
		.update(orders)
		.set({ reconciledAt: now })
		.where(
			and(
				eq(orders.id, order.id),
				or(isNull(orders.reconciledAt), lt(orders.reconciledAt, now - intervalMs)),
			),
		);
	return result.meta.changes === 1;
}

/**
 * The order of a Checkout Session, with its items, as the shopper should see
 * it now: before the webhook arrives it would be stale, so Stripe is asked (at
 * most once per order every few seconds, `claimSync`), as it is for a paid
 * order still without its session's report (its address, totals and card came
 * after its status). A Stripe failure is not the shopper's problem: the order
 * is answered as we know it. A final order costs one D1 round trip.
 */
export async function currentOrderOfSession(
	deps: StripeDeps,
	sessionId: string,
): Promise<OrderWithItems | undefined> {
	const found = await findOrderWithItems(deps.db, { sessionId });
	if (!found || !needsStripe(found.order) || !(await claimSync(deps, found.order))) return found;
	try {
		const current = await retrieveSession(deps.stripe, sessionId);
		const fact = factFromSession(current);
		if (!fact) return found;
		const applied = await applyFact(deps, found.order, fact, { source: "success_page" });
		if (applied.outcome === "not_found" || !applied.written) return found;
	} catch (err) {
		deps.log.warn("success page sync failed", { orderId: found.order.id, ...describeError(err) });
		return found;
	}
	return (await findOrderWithItems(deps.db, { id: found.order.id })) ?? found;
}
