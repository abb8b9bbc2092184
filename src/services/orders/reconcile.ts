import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, type SQL, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { orders, webhookEvents } from "../../db/schema.ts";
import { OPEN_STATUSES } from "../../domain/transitions.ts";
import { describeError } from "../../lib/log.ts";
import { isStripeRequestError, STRIPE_CALL_DEADLINE_MS } from "../../lib/stripe.ts";
import { raiseAlert } from "../alerts/alerts.ts";
import type { StripeDeps } from "../deps.ts";
import { oweUnpaidNotices } from "../emails/unpaid-notices.ts";
import { checkRefunds } from "../payments/refund-check.ts";
import { recordRefunds } from "../payments/refund-records.ts";
import {
	resyncSubscription,
	SUBSCRIPTION_SYNCS_PER_RUN,
	staleSubscriptions,
} from "../subscriptions/resync.ts";
import { handleStripeEvent } from "../webhooks/events.ts";
import { applyFact } from "./apply-fact.ts";
import { findOrder, type OrderRow } from "./orders.ts";
import { syncOrder } from "./sync.ts";

/**
 * Stripe calls one run may make. A Worker invocation may make 50 subrequests
 * on the free plan (1000 on paid); the rest is left for alert posts.
 */
export const MAX_STRIPE_CALLS_PER_RUN = 40;
/** Open orders looked at per run, at most (and at least 10). */
export const MAX_ORDERS_PER_RUN = 25;
/** Paid orders whose session's report is missing, looked up per run at most. */
export const INCOMPLETE_PER_RUN = 10;
/** Paid orders re-checked for refunds per run when any are due. */
export const REFUND_CHECKS_PER_RUN = 10;
/** Paid orders are re-checked for refunds made outside the shop for this long. */
export const REFUND_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
const ORPHAN_LOOKBACK_SECONDS = 24 * 60 * 60;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Bank debits may take this long to settle before a processing order counts as stuck. */
const PROCESSING_LIFE_MS = 14 * DAY_MS;
/** `status in ('pending', 'processing', 'failed')`, exactly as `orders_open_reconcile_idx` says it. */
const OPEN_STATUS_SQL = sql.raw(`status in (${OPEN_STATUSES.map((s) => `'${s}'`).join(", ")})`);

export type ReconcileOptions = {
	graceSeconds: number;
	maxStripeCalls?: number;
	maxOrders?: number;
};
export type ReconcileReport = {
	ordersChecked: number;
	ordersChanged: number;
	/** Paid orders that lacked their session's report (address, totals, the e-mail paid with) and got it. */
	reportsCompleted: number;
	refundsChecked: number;
	refundsFound: number;
	eventsRetried: number;
	orphanSessions: number;
	unresolved: number;
	/** Declined orders still unpaid 30 minutes on, now owed their payment-failed e-mail. */
	unpaidNotices: number;
	/** Live subscriptions re-synced from Stripe a day after their last snapshot (SPEC 15). */
	subscriptionsSynced: number;
	stripeCalls: number;
	errors: number;
};

/**
 * The Cron Trigger's job: catch what webhooks missed. Asks Stripe about the
 * open orders past the grace period and about paid orders of the last 30 days
 * (refunds made in the dashboard), least recently checked first, applying each
 * answer through the single writer; re-runs failed webhook events from
 * Stripe's copy; alerts on paid sessions naming no order of ours and on orders
 * it cannot settle. Bounded per run; the rest waits for the next run.
 */
export async function reconcile(
	deps: StripeDeps,
	options: ReconcileOptions,
): Promise<ReconcileReport> {
	const report: ReconcileReport = {
		ordersChecked: 0,
		ordersChanged: 0,
		reportsCompleted: 0,
		refundsChecked: 0,
		refundsFound: 0,
		eventsRetried: 0,
		orphanSessions: 0,
		unresolved: 0,
		unpaidNotices: 0,
		subscriptionsSynced: 0,
		stripeCalls: 0,
		errors: 0,
	};
	const budget = options.maxStripeCalls ?? MAX_STRIPE_CALLS_PER_RUN;
	const call = async <T>(fn: () => Promise<T>): Promise<T> => {
		report.stripeCalls++;
		return fn();
	};
	const now = deps.now();
	const cutoff = now - options.graceSeconds * 1000;

	// Not the grace period: past Stripe's deadline such a checkout can only be holding stock.
	await cancelOrdersNeverSentToStripe(deps, now - STRIPE_CALL_DEADLINE_MS);
	await closeRefundWindow(deps, now);

	// Paid first: the shopper is waiting for a confirmation that waits for this report.
	for (const order of await incompleteOrdersDue(
		deps,
		cutoff,
		Math.min(INCOMPLETE_PER_RUN, budget),
	)) {
		if (report.stripeCalls >= budget) break;
		await deps.db.update(orders).set({ reconciledAt: deps.now() }).where(eq(orders.id, order.id));
		try {
			const result = await call(() => syncOrder(deps, order, "reconcile"));
			if (result && result.outcome !== "not_found" && result.written) report.reportsCompleted++;
		} catch (err) {
			report.errors++;
			deps.log.warn("reconcile: session report not looked up", {
				orderId: order.id,
				...describeError(err),
			});
		}
		if (await alertIfNeverReported(deps, order.id, now)) report.unresolved++;
	}

	// Paid orders whose refunds are re-checked one by one (a backstop for refunds older than the
	// hour listed below): whenever any are due, at least 10 calls are theirs, and whatever else the
	// run leaves, so the rotation keeps up with the shop; one call stays for the orphan check.
	const refundDue = await deps.db
		.select()
		.from(orders)
		.where(isNotNull(orders.refundCheckAt))
		.orderBy(asc(orders.refundCheckAt))
		.limit(budget);
	const forRefunds = Math.min(REFUND_CHECKS_PER_RUN, refundDue.length);
	/** Calls left above the rotation's share. */
	const left = () => Math.max(0, budget - report.stripeCalls - forRefunds);
	const openDue = await openOrdersDue(
		deps,
		cutoff,
		Math.min(options.maxOrders ?? MAX_ORDERS_PER_RUN, left()),
	);

	for (const order of openDue) {
		if (report.stripeCalls >= budget) break;
		report.ordersChecked++;
		// Checked now whatever happens, so one failing order cannot starve the others.
		await deps.db.update(orders).set({ reconciledAt: deps.now() }).where(eq(orders.id, order.id));
		let settled = false;
		try {
			const result = await call(() => syncOrder(deps, order, "reconcile"));
			if (
				result &&
				result.outcome !== "not_found" &&
				result.outcome !== "noop" &&
				result.outcome !== "stale"
			)
				report.ordersChanged++;
			settled =
				result !== null &&
				result.outcome !== "not_found" &&
				!OPEN_STATUSES.includes(result.status as never);
		} catch (err) {
			report.errors++;
			deps.log.warn("reconcile: order sync failed", { orderId: order.id, ...describeError(err) });
		}
		if (!settled && (await alertIfUnresolved(deps, order, now))) report.unresolved++;
	}

	// After the syncs: an order they found paid owes no payment-failed e-mail.
	try {
		report.unpaidNotices = await oweUnpaidNotices(deps);
	} catch (err) {
		report.errors++;
		deps.log.warn("reconcile: unpaid notices not written", describeError(err));
	}

	// Refunds made at Stripe this last hour (its Dashboard, another client): one list, however
	// many paid orders the shop has, so a lost charge.refunded shows within a run.
	try {
		if (left() > 0)
			report.refundsFound += await applyRecentRefunds(deps, call, now, () => left() > 0);
	} catch (err) {
		report.errors++;
		deps.log.warn("reconcile: recent refunds not listed", describeError(err));
	}

	const failed = await deps.db
		.select({ id: webhookEvents.id })
		.from(webhookEvents)
		.where(eq(webhookEvents.result, "failed"))
		.orderBy(asc(webhookEvents.receivedAt))
		.limit(left());
	for (const { id } of failed) {
		if (left() === 0) break;
		try {
			const event = await call(() => deps.stripe.events.retrieve(id));
			await handleStripeEvent(deps, event);
			report.eventsRetried++;
		} catch (err) {
			report.errors++;
			deps.log.warn("reconcile: failed event not re-processed", {
				stripeEventId: id,
				...describeError(err),
			});
		}
	}

	// Live subscriptions whose snapshot is a day old (a lost event): a few per run, from what the
	// run leaves above the refund rotation's share.
	try {
		const stale = await staleSubscriptions(deps, now, Math.min(SUBSCRIPTION_SYNCS_PER_RUN, left()));
		for (const subscription of stale) {
			if (left() === 0) break;
			try {
				if (await call(() => resyncSubscription(deps, subscription.id)))
					report.subscriptionsSynced++;
			} catch (err) {
				report.errors++;
				deps.log.warn("reconcile: subscription not re-synced", {
					subscriptionId: subscription.id,
					...describeError(err),
				});
			}
		}
	} catch (err) {
		report.errors++;
		deps.log.warn("reconcile: stale subscriptions not listed", describeError(err));
	}

	// Its share at least, and all the run leaves but the orphan check's call.
	const rotationEnd = report.stripeCalls + Math.max(forRefunds, budget - report.stripeCalls - 1);
	for (const order of refundDue) {
		if (report.stripeCalls >= Math.min(budget, rotationEnd)) break;
		report.refundsChecked++;
		await deps.db
			.update(orders)
			.set({ refundCheckAt: deps.now() })
			.where(and(eq(orders.id, order.id), isNotNull(orders.refundCheckAt)));
		try {
			if (await call(() => checkRefunds(deps, order))) report.refundsFound++;
		} catch (err) {
			report.errors++;
			deps.log.warn("reconcile: refund check failed", { orderId: order.id, ...describeError(err) });
		}
	}

	if (report.stripeCalls < budget) {
		try {
			report.orphanSessions = await alertOrphanSessions(
				deps,
				Math.floor(now / 1000) - ORPHAN_LOOKBACK_SECONDS,
				call,
			);
		} catch (err) {
			report.errors++;
			deps.log.warn("reconcile: orphan check failed", describeError(err));
		}
	}
	deps.log.info("reconcile run done", report);
	return report;
}

/**
 * Open orders past the grace period, never-checked (null) first, then least
 * recently checked. The partial index holds only open orders in this order,
 * so the query reads the rows it returns however many orders the shop has had;
 * `indexed by` because SQLite's planner, without statistics, would rather take
 * the status index and sort every open order. A declined order whose session
 * expired unnoticed stays here until Stripe's answer settles it. An amount
 * mismatch waits for a human.
 */
async function openOrdersDue(deps: StripeDeps, cutoff: number, limit: number): Promise<OrderRow[]> {
	if (limit === 0) return [];
	return ordersPicked(
		deps,
		sql`select id from orders indexed by orders_open_reconcile_idx
			where ${OPEN_STATUS_SQL} and created_at <= ${cutoff} and stripe_checkout_session_id is not null
				and (failure_code is null or failure_code <> 'amount_mismatch')
			order by reconciled_at, created_at limit ${limit}`,
		[asc(orders.reconciledAt), asc(orders.createdAt)],
	);
}

/** How far back each run lists refunds made at Stripe. */
export const RECENT_REFUNDS_MS = 60 * 60_000;

/**
 * Lists the refunds made at Stripe in the last hour (newest first, each with
 * its charge) and applies to each of our orders what its charge says is
 * refunded in all, through the single writer, recording every refund once. A
 * page of 100 costs one call; more pages while `more()` allows. Answers how
 * many orders it found more refunded than they knew.
 */
async function applyRecentRefunds(
	deps: StripeDeps,
	call: <T>(fn: () => Promise<T>) => Promise<T>,
	now: number,
	more: () => boolean,
): Promise<number> {
	const since = Math.floor((now - RECENT_REFUNDS_MS) / 1000);
	let found = 0;
	let after: string | undefined;
	do {
		const page = await call(() =>
			deps.stripe.refunds.list({
				created: { gte: since },
				limit: 100,
				expand: ["data.charge"],
				...(after && { starting_after: after }),
			}),
		);
		const byIntent = new Map<string, { charge: Stripe.Charge; refunds: Stripe.Refund[] }>();
		for (const refund of page.data) {
			const intent = idOf(refund.payment_intent);
			if (!intent || typeof refund.charge !== "object" || !refund.charge) continue;
			const group = byIntent.get(intent) ?? { charge: refund.charge, refunds: [] };
			group.refunds.push(refund);
			byIntent.set(intent, group);
		}
		const ours =
			byIntent.size === 0
				? []
				: await deps.db
						.select()
						.from(orders)
						.where(inArray(orders.stripePaymentIntentId, [...byIntent.keys()]));
		for (const order of ours) {
			const group = byIntent.get(order.stripePaymentIntentId ?? "");
			if (!group) continue;
			await recordRefunds(deps.db, order.id, group.refunds, deps.now());
			if (group.charge.amount_refunded <= order.amountRefunded) continue;
			const result = await applyFact(
				deps,
				order,
				{
					kind: "refund",
					created: Math.max(...group.refunds.map((r) => r.created)),
					amountRefunded: group.charge.amount_refunded,
					currency: group.charge.currency,
					charged: group.charge.amount_captured,
					paymentIntentId: order.stripePaymentIntentId,
				},
				{ source: "reconcile" },
			);
			if (result.outcome !== "not_found" && result.written) found++;
		}
		after = page.has_more ? page.data.at(-1)?.id : undefined;
	} while (after && more());
	return found;
}

const idOf = (value: string | { id: string } | null | undefined): string | null =>
	value == null ? null : typeof value === "string" ? value : value.id;

/**
 * Paid orders whose completed session never reported to us (its event lost
 * while Stripe could not be asked): least recently looked at first, past the
 * grace period. The partial index holds just those.
 */
async function incompleteOrdersDue(deps: StripeDeps, cutoff: number, limit: number) {
	if (limit === 0) return [];
	return ordersPicked(
		deps,
		sql`select id from orders indexed by orders_incomplete_idx
			where checkout_completed = 0 and status in ('paid', 'fulfilled', 'refunded')
				and paid_at <= ${cutoff} and stripe_checkout_session_id is not null
			order by reconciled_at, paid_at limit ${limit}`,
		[asc(orders.reconciledAt), asc(orders.paidAt)],
	);
}

/**
 * The orders whose ids `picked` selects (through its partial index), read in
 * one round trip, in the same order.
 */
function ordersPicked(deps: StripeDeps, picked: SQL, order: SQL[]): Promise<OrderRow[]> {
	return deps.db
		.select()
		.from(orders)
		.where(inArray(orders.id, sql`(${picked})`))
		.orderBy(...order);
}

/** A paid order still without its session's report a day after the payment: a human must look. */
async function alertIfNeverReported(deps: StripeDeps, orderId: string, now: number) {
	const order = await findOrder(deps.db, orderId);
	if (!order || order.checkoutCompleted || (order.paidAt ?? now) > now - DAY_MS) return false;
	await raiseAlert(deps, {
		kind: "unresolved_order",
		orderId: order.id,
		message: `Order ${order.id} is paid, but a day later Stripe has still not told us its checkout's details (the address it was paid with, where it ships): check its session in the Stripe Dashboard. No confirmation e-mail has gone out.`,
		dedupeKey: `never_reported:${order.id}`,
	});
	return true;
}

/**
 * An open order past its session's life (a day after it expired; two weeks
 * for a bank debit still processing) that Stripe's answer did not settle:
 * a human must look. Alerted once per order; it stays in the rotation.
 */
async function alertIfUnresolved(deps: StripeDeps, order: OrderRow, now: number): Promise<boolean> {
	const current = (await findOrder(deps.db, order.id)) ?? order;
	if (!OPEN_STATUSES.includes(current.status as never)) return false;
	const endOfLife =
		current.status === "processing"
			? current.createdAt + PROCESSING_LIFE_MS
			: (current.checkoutExpiresAt ?? current.createdAt + DAY_MS) + DAY_MS;
	if (now < endOfLife) return false;
	await raiseAlert(deps, {
		kind: "unresolved_order",
		orderId: current.id,
		message: `Order ${current.id} is still ${current.status} long after its checkout ended, and Stripe's answer does not settle it: check it in the Stripe Dashboard.`,
		dedupeKey: `unresolved_order:${current.id}`,
	});
	return true;
}

/** Paid orders leave the refund re-check 30 days after payment (an indexed range of just those). */
async function closeRefundWindow(deps: StripeDeps, now: number): Promise<void> {
	await deps.db
		.update(orders)
		.set({ refundCheckAt: null })
		.where(and(isNotNull(orders.refundCheckAt), lt(orders.paidAt, now - REFUND_WINDOW_MS)));
}

/**
 * Orders whose Checkout Session was never created (the worker stopped mid-way)
 * can never be paid. `before` is at least the Stripe call's deadline ago, so a
 * checkout still waiting for its session is never among them.
 */
async function cancelOrdersNeverSentToStripe(deps: StripeDeps, before: number): Promise<void> {
	const stuck = await deps.db
		.select({ id: orders.id })
		.from(orders)
		.where(
			and(
				eq(orders.status, "pending"),
				isNull(orders.stripeCheckoutSessionId),
				lte(orders.createdAt, before),
			),
		)
		.orderBy(asc(orders.createdAt))
		.limit(50);
	for (const { id } of stuck) {
		await applyFact(
			deps,
			id,
			{
				kind: "canceled",
				created: Math.floor(deps.now() / 1000),
				code: "checkout_not_created",
				message: "The checkout was never started.",
			},
			{ source: "reconcile" },
		);
	}
}

/** Paid sessions from the last day whose `metadata.order_id` is not one of our orders: money with no order. */
async function alertOrphanSessions(
	deps: StripeDeps,
	since: number,
	call: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<number> {
	let sessions: Stripe.ApiList<Stripe.Checkout.Session>;
	try {
		sessions = await call(() =>
			deps.stripe.checkout.sessions.list({
				created: { gte: since },
				status: "complete",
				limit: 100,
			}),
		);
	} catch (err) {
		if (isStripeRequestError(err)) return 0;
		throw err;
	}
	let orphans = 0;
	for (const session of sessions.data) {
		const orderId = session.metadata?.order_id;
		if (!orderId || session.payment_status !== "paid") continue;
		if (await findOrder(deps.db, orderId)) continue;
		orphans++;
		await raiseAlert(deps, {
			kind: "orphan_payment",
			orderId,
			message: `Checkout Session ${session.id} was paid for order ${orderId}, which does not exist here.`,
			dedupeKey: `orphan_payment:${session.id}`,
		});
	}
	return orphans;
}
