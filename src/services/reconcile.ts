import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, ne, or, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { orders, webhookEvents } from "../db/schema.ts";
import { OPEN_STATUSES } from "../domain/transitions.ts";
import { describeError } from "../lib/log.ts";
import { isStripeRequestError } from "../lib/stripe.ts";
import { raiseAlert } from "./alerts.ts";
import { applyFact } from "./apply-fact.ts";
import type { StripeDeps } from "./deps.ts";
import { findOrder } from "./orders.ts";
import { syncOrder } from "./sync.ts";
import { handleStripeEvent } from "./webhook-events.ts";

/**
 * Stripe calls one run may make. A Worker invocation may make 50 subrequests
 * on the free plan (1000 on paid); the rest is left for alert posts.
 */
export const MAX_STRIPE_CALLS_PER_RUN = 40;
/** Orders looked at per run, at most (and at least 10, SPEC 7). */
export const MAX_ORDERS_PER_RUN = 25;
const ORPHAN_LOOKBACK_SECONDS = 24 * 60 * 60;
const SESSION_AFTERLIFE_MS = 24 * 60 * 60 * 1000;

export type ReconcileOptions = {
	graceSeconds: number;
	maxStripeCalls?: number;
	maxOrders?: number;
};
export type ReconcileReport = {
	ordersChecked: number;
	ordersChanged: number;
	eventsRetried: number;
	orphanSessions: number;
	stripeCalls: number;
	errors: number;
};

/**
 * The Cron Trigger's job: catch what webhooks missed. Looks at the non-final
 * orders past the grace period, least recently checked first, asks Stripe for
 * their sessions and applies the answer through the single writer; re-runs
 * failed webhook events from Stripe's copy; alerts on paid sessions that name
 * an order we do not have. Bounded per run; the rest waits for the next run.
 */
export async function reconcile(
	deps: StripeDeps,
	options: ReconcileOptions,
): Promise<ReconcileReport> {
	const report: ReconcileReport = {
		ordersChecked: 0,
		ordersChanged: 0,
		eventsRetried: 0,
		orphanSessions: 0,
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

	await cancelOrdersNeverSentToStripe(deps, cutoff);

	const due = await deps.db
		.select()
		.from(orders)
		.where(
			and(
				inArray(orders.status, [...OPEN_STATUSES]),
				lte(orders.createdAt, cutoff),
				isNotNull(orders.stripeCheckoutSessionId),
				// An amount mismatch waits for a human.
				or(isNull(orders.failureCode), ne(orders.failureCode, "amount_mismatch")),
				// A declined order whose session closed over a day ago has nothing more to tell;
				// delayed payments (processing) can take days and are always checked.
				or(
					eq(orders.status, "processing"),
					gt(orders.checkoutExpiresAt, now - SESSION_AFTERLIFE_MS),
				),
			),
		)
		.orderBy(
			sql`${orders.reconciledAt} is not null`,
			asc(orders.reconciledAt),
			asc(orders.createdAt),
		)
		.limit(Math.min(options.maxOrders ?? MAX_ORDERS_PER_RUN, budget));

	for (const order of due) {
		if (report.stripeCalls >= budget) break;
		report.ordersChecked++;
		// Checked now whatever happens, so one failing order cannot starve the others.
		await deps.db.update(orders).set({ reconciledAt: deps.now() }).where(eq(orders.id, order.id));
		try {
			const result = await call(() => syncOrder(deps, order, "reconcile"));
			if (
				result &&
				result.outcome !== "not_found" &&
				result.outcome !== "noop" &&
				result.outcome !== "stale"
			)
				report.ordersChanged++;
		} catch (err) {
			report.errors++;
			deps.log.warn("reconcile: order sync failed", { orderId: order.id, ...describeError(err) });
		}
	}

	const failed = await deps.db
		.select({ id: webhookEvents.id })
		.from(webhookEvents)
		.where(eq(webhookEvents.result, "failed"))
		.orderBy(asc(webhookEvents.receivedAt))
		.limit(Math.max(0, budget - report.stripeCalls));
	for (const { id } of failed) {
		if (report.stripeCalls >= budget) break;
		try {
			const event = await call(() => deps.stripe.events.retrieve(id));
			await handleStripeEvent({ ...deps, stripe: () => deps.stripe }, event);
			report.eventsRetried++;
		} catch (err) {
			report.errors++;
			deps.log.warn("reconcile: failed event not re-processed", {
				stripeEventId: id,
				...describeError(err),
			});
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

/** Orders whose Checkout Session was never created (the worker stopped mid-way) can never be paid. */
async function cancelOrdersNeverSentToStripe(deps: StripeDeps, cutoff: number): Promise<void> {
	const stuck = await deps.db
		.select({ id: orders.id })
		.from(orders)
		.where(
			and(
				eq(orders.status, "pending"),
				isNull(orders.stripeCheckoutSessionId),
				lte(orders.createdAt, cutoff),
			),
		)
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
