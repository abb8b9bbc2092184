import { and, eq, isNotNull, lte, notExists, sql } from "drizzle-orm";
import { runBatch } from "../../db/batch.ts";
import { emails, orders } from "../../db/schema.ts";
import { UNPAID_NOTICE_AFTER_MS } from "../../domain/emails.ts";
import type { Deps } from "../deps.ts";

/**
 * The payment-failed e-mail of a card declined on Stripe's page, owed once the
 * shopper has left without paying: the order is still `failed` 30 minutes after
 * its last change (SPEC 12; the session's end owes it sooner, through the
 * single writer). Written once per order (the outbox's dedupe key, the same as
 * the writer's), each guarded by the order as read, then handed to delivery.
 * Reconciliation runs it; no Stripe call.
 */
export async function oweUnpaidNotices(deps: Deps, limit = 50): Promise<number> {
	const now = deps.now();
	const due = await deps.db
		.select({ id: orders.id, version: orders.version })
		.from(orders)
		.where(
			and(
				eq(orders.status, "failed"),
				lte(orders.updatedAt, now - UNPAID_NOTICE_AFTER_MS),
				isNotNull(orders.customerEmail),
				notExists(
					deps.db
						.select({ one: sql`1` })
						.from(emails)
						.where(eq(emails.dedupeKey, sql`'payment_failed:' || ${orders.id}`)),
				),
			),
		)
		.limit(limit);
	if (due.length === 0) return 0;
	const owed = due.map((order) => ({ ...order, emailId: crypto.randomUUID() }));
	const results = await runBatch(
		deps.db,
		owed.map(
			(o) => sql`insert into emails (id, order_id, kind, "to", locale, dedupe_key, created_at)
				select ${o.emailId}, id, 'payment_failed', customer_email, locale, ${`payment_failed:${o.id}`}, ${now}
				from orders where id = ${o.id} and version = ${o.version} and status = 'failed'
				on conflict (dedupe_key) do nothing`,
		),
	);
	const written = owed.filter((_, i) => results[i]?.meta.changes === 1).map((o) => o.emailId);
	await deps.enqueueEmails(written);
	return written.length;
}
