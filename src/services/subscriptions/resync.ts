import { and, asc, eq, inArray, lt } from "drizzle-orm";
import { customers, products, subscriptions } from "../../db/schema.ts";
import { LIVE_SUBSCRIPTION_STATUSES } from "../../domain/vocabulary.ts";
import type { StripeDeps } from "../deps.ts";
import { storeSnapshot } from "./sync.ts";

/** At most this many subscriptions re-synced per Cron run (each one Stripe call). */
export const SUBSCRIPTION_SYNCS_PER_RUN = 5;
/** A live subscription's snapshot this old is asked of Stripe again (a lost event). */
export const SUBSCRIPTION_RESYNC_AFTER_MS = 24 * 3_600_000;

/** Live subscriptions (trialing, active, past due) not synced for a day, the oldest first. */
export function staleSubscriptions(deps: StripeDeps, now: number, limit: number) {
	if (limit <= 0) return Promise.resolve([]);
	return deps.db
		.select({ id: subscriptions.id })
		.from(subscriptions)
		.where(
			and(
				inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]),
				lt(subscriptions.syncedAt, now - SUBSCRIPTION_RESYNC_AFTER_MS),
			),
		)
		.orderBy(asc(subscriptions.syncedAt))
		.limit(limit);
}

/**
 * Stores Stripe's snapshot of one subscription again (one Stripe call): a
 * cancellation or a failed renewal whose events were lost shows within a day.
 * Answers whether it was stored.
 */
export async function resyncSubscription(deps: StripeDeps, id: string): Promise<boolean> {
	const [found] = await deps.db
		.select({ customer: customers, product: products })
		.from(subscriptions)
		.innerJoin(customers, eq(customers.id, subscriptions.customerId))
		.leftJoin(products, eq(products.id, subscriptions.productId))
		.where(eq(subscriptions.id, id))
		.limit(1);
	if (!found) return false;
	const retrievedAt = deps.now();
	const snapshot = await deps.stripe.subscriptions.retrieve(id);
	await storeSnapshot(
		deps,
		snapshot,
		{ customer: found.customer, product: found.product, invoiceStatus: null },
		retrievedAt,
	);
	return true;
}
