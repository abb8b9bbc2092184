import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { WebhookResult } from "../db/schema";
import { webhookEvents } from "../db/schema";
import type { OrderRef } from "../domain/stripe-facts";
import { factFromEvent } from "../domain/stripe-facts";
import { describeError } from "../lib/log";
import { isStripeRequestError } from "../lib/stripe";
import { applyFact } from "./apply-fact";
import type { Deps } from "./deps";
import { findOrder, findOrderByPaymentIntent, findOrderBySession } from "./orders";

/** Stripe is only needed for the rare look-up, so it is created on demand. */
export type WebhookDeps = Deps & { stripe: () => Stripe };

export type EventOutcome = {
	result: WebhookResult | "duplicate";
	detail: string;
	orderId: string | null;
};

/**
 * Processes one verified event exactly once in effect: a redelivered event that
 * was processed or ignored is a duplicate; a failed one runs again. Throws when
 * processing fails (after recording the failure), so the caller answers 500 and
 * Stripe retries.
 */
export async function handleStripeEvent(
	deps: WebhookDeps,
	event: Stripe.Event,
): Promise<EventOutcome> {
	const seen = await deps.db.query.webhookEvents.findFirst({
		where: eq(webhookEvents.id, event.id),
	});
	if (seen && seen.result !== "failed")
		return { result: "duplicate", detail: `already ${seen.result}`, orderId: seen.orderId };

	let orderId: string | null = null;
	try {
		const outcome = await processEvent(deps, event, (id) => {
			orderId = id;
		});
		await recordEvent(deps, event, outcome);
		return outcome;
	} catch (err) {
		deps.log.error("webhook processing failed", {
			stripeEventId: event.id,
			eventType: event.type,
			orderId,
			...describeError(err),
		});
		const message = err instanceof Error ? err.message : String(err);
		await recordEvent(deps, event, {
			result: "failed",
			detail: message.slice(0, 500),
			orderId,
		}).catch((e) =>
			deps.log.error("webhook failure not recorded", {
				stripeEventId: event.id,
				...describeError(e),
			}),
		);
		throw err;
	}
}

async function processEvent(
	deps: WebhookDeps,
	event: Stripe.Event,
	onOrder: (id: string) => void,
): Promise<EventOutcome> {
	const mapped = factFromEvent(event);
	if ("ignore" in mapped) return { result: "ignored", detail: mapped.ignore, orderId: null };
	const order = await resolveOrder(deps, mapped.ref);
	if (!order) return { result: "ignored", detail: "not our order", orderId: null };
	onOrder(order.id);
	const applied = await applyFact(deps, order.id, mapped.fact, {
		source: "webhook",
		stripeEventId: event.id,
	});
	if (applied.outcome === "not_found")
		return { result: "ignored", detail: "not our order", orderId: null };
	const result: WebhookResult =
		applied.outcome === "noop" || applied.outcome === "stale" ? "ignored" : "processed";
	return { result, detail: `${applied.outcome}: ${applied.reason}`, orderId: order.id };
}

async function resolveOrder(deps: WebhookDeps, ref: OrderRef) {
	if (ref.orderId) return findOrder(deps.db, ref.orderId);
	if (ref.sessionId) {
		const bySession = await findOrderBySession(deps.db, ref.sessionId);
		if (bySession) return bySession;
	}
	if (!ref.paymentIntentId) return undefined;
	const byPaymentIntent = await findOrderByPaymentIntent(deps.db, ref.paymentIntentId);
	if (byPaymentIntent) return byPaymentIntent;
	// A charge carries no order id, and its event may arrive before any event that
	// told us the PaymentIntent: its metadata says whose it is.
	const paymentIntent = await retrievePaymentIntent(deps, ref.paymentIntentId);
	const orderId = paymentIntent?.metadata?.order_id;
	return orderId ? findOrder(deps.db, orderId) : undefined;
}

async function retrievePaymentIntent(
	deps: WebhookDeps,
	id: string,
): Promise<Stripe.PaymentIntent | null> {
	try {
		return await deps.stripe().paymentIntents.retrieve(id);
	} catch (err) {
		if (isStripeRequestError(err)) return null; // not on this account: not ours
		throw err;
	}
}

async function recordEvent(deps: Deps, event: Stripe.Event, outcome: EventOutcome): Promise<void> {
	if (outcome.result === "duplicate") return;
	const now = deps.now();
	const error = outcome.result === "processed" ? null : outcome.detail;
	await deps.db
		.insert(webhookEvents)
		.values({
			id: event.id,
			type: event.type,
			created: event.created,
			receivedAt: now,
			processedAt: outcome.result === "failed" ? null : now,
			result: outcome.result,
			error,
			orderId: outcome.orderId,
		})
		.onConflictDoUpdate({
			target: webhookEvents.id,
			set: {
				result: outcome.result,
				error,
				orderId: sql`coalesce(${outcome.orderId}, ${webhookEvents.orderId})`,
				processedAt: outcome.result === "failed" ? null : now,
				attempts: sql`${webhookEvents.attempts} + 1`,
			},
		});
}
