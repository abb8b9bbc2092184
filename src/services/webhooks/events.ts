import type Stripe from "stripe";
import { runBatch, written } from "../../db/batch.ts";
import type { Fact } from "../../domain/facts.ts";
import type { OrderRef } from "../../domain/stripe-facts.ts";
import { factFromEvent, factFromSession, withLookedUpDetails } from "../../domain/stripe-facts.ts";
import type { WebhookResult } from "../../domain/vocabulary.ts";
import { describeError, errorMessage } from "../../lib/log.ts";
import { isStripeRequestError } from "../../lib/stripe.ts";
import { raiseAlert } from "../alerts/alerts.ts";
import type { Deps, StripeDeps } from "../deps.ts";
import { applyFact } from "../orders/apply-fact.ts";
import type { OrderRow } from "../orders/orders.ts";
import {
	findOrder,
	findOrderByPaymentIntent,
	findOrderBySession,
	orderByIdStatement,
	readOrder,
} from "../orders/orders.ts";
import { retrieveSession } from "../orders/sync.ts";
import { recordRefunds, refundsOfCharge } from "../payments/refund-records.ts";
import {
	readSubscriptionRows,
	type SubscriptionRef,
	subscriptionChanges,
	subscriptionReads,
	subscriptionRefOf,
} from "../subscriptions/sync.ts";
import { type LedgerOutcome, ledgerWrite } from "./ledger.ts";

/** A claim older than this belongs to a request that died: another delivery may take it over. */
const CLAIM_TTL_MS = 60_000;

export type EventOutcome = {
	/** `in_progress`: another delivery holds the event; not delivered yet, so Stripe must retry. */
	result: WebhookResult | "duplicate" | "in_progress";
	detail: string;
	orderId: string | null;
};

/**
 * Processes one verified event exactly once in effect: a redelivered event that
 * was processed or ignored is a duplicate; a failed one runs again. Throws when
 * processing fails (after recording the failure), so the caller answers 500 and
 * Stripe retries. The common case costs two D1 round trips: one batch reads the
 * ledger and the order, one batch writes the change with its ledger row.
 */
export async function handleStripeEvent(
	deps: StripeDeps,
	event: Stripe.Event,
): Promise<EventOutcome> {
	const subscription = subscriptionRefOf(event);
	if (subscription) return handleSubscriptionEvent(deps, event, subscription);
	const mapped = factFromEvent(event);
	const token = crypto.randomUUID();
	const [row, byId] = await claimAndRead(
		deps,
		event,
		token,
		"ignore" in mapped ? null : mapped.ref.orderId,
	);
	if (row?.claimToken !== token) {
		// Held by another delivery: one in flight, or one that died before recording its end (its
		// claim lapses after a minute). Not done yet: answered so that Stripe tries again.
		if (row?.result === "failed")
			return {
				result: "in_progress",
				detail: "being processed by another delivery",
				orderId: row.orderId ?? null,
			};
		return { result: "duplicate", detail: `already ${row?.result}`, orderId: row?.orderId ?? null };
	}

	let orderId: string | null = null;
	try {
		if ("ignore" in mapped)
			return await recorded(deps, event, {
				result: "ignored",
				detail: mapped.ignore,
				orderId: null,
			});
		const order = byId ?? (mapped.ref.orderId ? undefined : await resolveOrder(deps, mapped.ref));
		if (!order)
			return await recorded(deps, event, {
				result: "ignored",
				detail: "not our order",
				orderId: null,
			});
		orderId = order.id;
		const mismatch =
			event.livemode !== deps.liveMode
				? `a ${event.livemode ? "live" : "test"}-mode event reached a ${deps.liveMode ? "live" : "test"}-mode shop`
				: await disagreement(deps, order, mapped.ref);
		if (mismatch) {
			await raiseAlert(deps, {
				kind: "event_mismatch",
				orderId: order.id,
				message: `Event ${event.id} (${event.type}) was not applied to order ${order.id}: ${mismatch}.`,
				dedupeKey: `event_mismatch:${event.id}`,
			});
			return await recorded(deps, event, {
				result: "ignored",
				detail: mismatch,
				orderId: order.id,
			});
		}
		const apply = (target: OrderRow | string, fact: Fact) =>
			applyFact(deps, target, fact, { source: "webhook", event });
		// Each refund on record once, whoever made it; a failure here makes Stripe retry.
		if (event.type === "charge.refunded")
			await recordRefunds(
				deps.db,
				order.id,
				await refundsOfCharge(deps.stripe, event.data.object as Stripe.Charge),
				deps.now(),
			);
		let applied = await apply(order, await withSessionReport(deps, order, mapped.fact, mapped.ref));
		if (applied.outcome === "needs_session") {
			// A PaymentIntent for another amount than the order's known one (a promotion code,
			// shipping or tax the session has not told us yet): its session settles it.
			applied = await apply(order.id, await sessionFact(deps, order));
			// Money is never ignored: if the session cannot judge it either, fail so Stripe retries.
			if (applied.outcome === "needs_session")
				throw new Error(`the session of order ${order.id} does not tell what was charged`);
		}
		if (applied.outcome === "not_found")
			return await recorded(deps, event, {
				result: "ignored",
				detail: "not our order",
				orderId: null,
			});
		const outcome: LedgerOutcome = {
			result: applied.written ? "processed" : "ignored",
			detail: `${applied.outcome}: ${applied.reason}`,
			orderId: order.id,
		};
		// A change was committed with its ledger row; a no-op still needs its own.
		return applied.written ? outcome : await recorded(deps, event, outcome);
	} catch (err) {
		deps.log.error("webhook processing failed", {
			stripeEventId: event.id,
			eventType: event.type,
			orderId,
			...describeError(err),
		});
		await recorded(deps, event, {
			result: "failed",
			detail: errorMessage(err).slice(0, 500),
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

/**
 * A subscription's event (SPEC 15): the ledger claim with our customer, plan
 * and invoice rows (one D1 round trip), Stripe's snapshot of the subscription
 * (one retrieve: the event's own copy is never applied), then the snapshot,
 * the invoice, an order for a paid box, the e-mails and the ledger row in one
 * batch. Not ours (no customer of ours in its metadata): ignored. Stripe
 * unreachable: failed, so the answer is 500 and Stripe retries.
 */
async function handleSubscriptionEvent(
	deps: StripeDeps,
	event: Stripe.Event,
	ref: SubscriptionRef | { ignore: string },
): Promise<EventOutcome> {
	const token = crypto.randomUUID();
	const now = deps.now();
	const d1 = deps.db.$client;
	const reads = "ignore" in ref ? [] : subscriptionReads(ref).map((q) => written(q));
	const [, seen, ...found] = await d1.batch<Record<string, unknown>>([
		d1
			.prepare(CLAIM)
			.bind(event.id, event.type, event.created, now, token, now, now - CLAIM_TTL_MS),
		d1.prepare(LEDGER_ROW).bind(event.id),
		...reads.map((q) => d1.prepare(q.sql).bind(...q.params)),
	]);
	const row = seen?.results[0] as
		| { claimToken: string | null; result: WebhookResult; orderId: string | null }
		| undefined;
	if (row?.claimToken !== token) {
		if (row?.result === "failed")
			return {
				result: "in_progress",
				detail: "being processed by another delivery",
				orderId: null,
			};
		return { result: "duplicate", detail: `already ${row?.result}`, orderId: row?.orderId ?? null };
	}
	try {
		if ("ignore" in ref)
			return await recorded(deps, event, { result: "ignored", detail: ref.ignore, orderId: null });
		const rows = readSubscriptionRows(found);
		const customer = rows.customer;
		if (!customer || event.livemode !== deps.liveMode)
			return await recorded(deps, event, {
				result: "ignored",
				detail: customer ? "another mode's subscription" : "not our subscription",
				orderId: null,
			});
		const retrievedAt = deps.now();
		// With its latest invoice's payments: the PaymentIntent a paid box's order is refunded through.
		const snapshot = await deps.stripe.subscriptions.retrieve(ref.subscriptionId, {
			expand: ["latest_invoice.payments"],
		});
		if (snapshot.metadata?.customer_id !== customer.id)
			return await recorded(deps, event, {
				result: "ignored",
				detail: `its subscription ${snapshot.id} is not customer ${customer.id}'s`,
				orderId: null,
			});
		const change = subscriptionChanges(
			deps,
			event,
			ref,
			snapshot,
			{ ...rows, customer },
			retrievedAt,
		);
		const outcome: LedgerOutcome = {
			result: "processed",
			detail: `subscription ${snapshot.id}: ${snapshot.status}`,
			orderId: change.orderId,
		};
		const ledger = ledgerWrite(event, outcome, deps.now());
		await runBatch(deps.db, [...change.statements, ledger]);
		await deps.enqueueEmails(change.emailIds);
		return outcome;
	} catch (err) {
		deps.log.error("webhook processing failed", {
			stripeEventId: event.id,
			eventType: event.type,
			subscriptionId: "ignore" in ref ? null : ref.subscriptionId,
			...describeError(err),
		});
		await recorded(deps, event, {
			result: "failed",
			detail: errorMessage(err).slice(0, 500),
			orderId: null,
		}).catch((e) =>
			deps.log.error("webhook failure not recorded", {
				stripeEventId: event.id,
				...describeError(e),
			}),
		);
		throw err;
	}
}

/**
 * Takes the event's ledger row for this delivery: a new row, or a failed one
 * nobody holds (a claim older than CLAIM_TTL_MS belongs to a request that died).
 */
const CLAIM = `insert into "webhook_events" (id, type, created, received_at, result, error, attempts, claim_token, claimed_at)
	values (?, ?, ?, ?, 'failed', 'processing', 0, ?, ?)
	on conflict (id) do update set claim_token = excluded.claim_token, claimed_at = excluded.claimed_at
	where webhook_events.result = 'failed' and (webhook_events.claimed_at is null or webhook_events.claimed_at < ?)`;
const LEDGER_ROW = `select claim_token as claimToken, result, order_id as orderId from webhook_events where id = ?`;

/**
 * Claims the event's ledger row for this delivery, then reads it and, when the
 * event names it, the order: one D1 round trip, statements written once. The
 * caller owns the event when the row carries its token.
 */
async function claimAndRead(
	deps: Deps,
	event: Stripe.Event,
	token: string,
	orderId: string | null,
) {
	const now = deps.now();
	const d1 = deps.db.$client;
	const statements = [
		d1
			.prepare(CLAIM)
			.bind(event.id, event.type, event.created, now, token, now, now - CLAIM_TTL_MS),
		d1.prepare(LEDGER_ROW).bind(event.id),
		...(orderId ? [orderByIdStatement(deps.db, orderId)] : []),
	];
	const [, seen, found] = await d1.batch<Record<string, unknown>>(statements);
	const row = seen?.results[0] as
		| { claimToken: string | null; result: WebhookResult; orderId: string | null }
		| undefined;
	const order = found?.results[0];
	return [row, order ? readOrder(order) : undefined] as const;
}

/**
 * Whether the event's objects name another order than the one its metadata
 * names: its session or PaymentIntent is recorded on a different order.
 * Null when they agree (or cannot disagree yet: the session is not recorded).
 */
async function disagreement(deps: Deps, order: OrderRow, ref: OrderRef): Promise<string | null> {
	if (ref.sessionId && order.stripeCheckoutSessionId !== ref.sessionId) {
		const owner = order.stripeCheckoutSessionId
			? null
			: await findOrderBySession(deps.db, ref.sessionId);
		if (order.stripeCheckoutSessionId || (owner && owner.id !== order.id))
			return `its session ${ref.sessionId} belongs to ${owner ? `order ${owner.id}` : "another checkout"}, its metadata names order ${order.id}`;
	}
	if (
		ref.paymentIntentId &&
		order.stripePaymentIntentId &&
		order.stripePaymentIntentId !== ref.paymentIntentId
	)
		return `its PaymentIntent ${ref.paymentIntentId} is not order ${order.id}'s (${order.stripePaymentIntentId})`;
	return null;
}

/**
 * A payment with what only its session tells, by one look-up: a session's
 * event gains the shipping rate's name, the card and the receipt; a
 * PaymentIntent's payment becomes its completed session's report (the address
 * it was paid with, the totals, where it ships). Best effort: when Stripe
 * cannot say, the payment applies as its event tells it, and reconciliation
 * completes the order later.
 */
async function withSessionReport(
	deps: StripeDeps,
	order: OrderRow,
	fact: Fact,
	ref: OrderRef,
): Promise<Fact> {
	if (fact.kind !== "paid") return fact;
	const sessionId = fact.fromCompletedSession ? ref.sessionId : order.stripeCheckoutSessionId;
	if (!sessionId || (!fact.fromCompletedSession && order.checkoutCompleted)) return fact;
	try {
		const session = await retrieveSession(deps.stripe, sessionId);
		if (fact.fromCompletedSession) return withLookedUpDetails(fact, session);
		const report = factFromSession(session);
		return report?.kind === "paid" && report.fromCompletedSession ? report : fact;
	} catch (err) {
		deps.log.warn("session report not looked up", { sessionId, ...describeError(err) });
		return fact;
	}
}

/** The fact of the order's Checkout Session as Stripe tells it now; throws when it tells none yet. */
async function sessionFact(deps: StripeDeps, order: OrderRow): Promise<Fact> {
	if (!order.stripeCheckoutSessionId)
		throw new Error(`order ${order.id} has no Checkout Session to settle its payment through`);
	const fact = factFromSession(await retrieveSession(deps.stripe, order.stripeCheckoutSessionId));
	if (!fact) throw new Error(`the session of order ${order.id} does not tell its payment yet`);
	return fact;
}

async function resolveOrder(deps: StripeDeps, ref: OrderRef) {
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
	deps: StripeDeps,
	id: string,
): Promise<Stripe.PaymentIntent | null> {
	try {
		return await deps.stripe.paymentIntents.retrieve(id);
	} catch (err) {
		if (isStripeRequestError(err)) return null; // not on this account: not ours
		throw err;
	}
}

/** Writes the delivery's end to the ledger and answers it. */
async function recorded(
	deps: Deps,
	event: Stripe.Event,
	outcome: LedgerOutcome,
): Promise<EventOutcome> {
	const { sql, params } = ledgerWrite(event, outcome, deps.now());
	await deps.db.$client
		.prepare(sql)
		.bind(...params)
		.run();
	return outcome;
}
