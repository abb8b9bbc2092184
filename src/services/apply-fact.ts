import type { SQL } from "drizzle-orm";
import { and, eq, sql } from "drizzle-orm";
import { runBatch } from "../db/batch";
import type { OrderStatus, TransitionSource } from "../db/schema";
import { orders } from "../db/schema";
import type { Fact } from "../domain/facts";
import type { Decision } from "../domain/transitions";
import { decide } from "../domain/transitions";
import type { Deps } from "./deps";

export type FactSource = { source: TransitionSource; stripeEventId?: string | null };

export type ApplyResult =
	| { outcome: "not_found" }
	| (Decision & { from: OrderStatus; status: OrderStatus });

const MAX_ATTEMPTS = 5;

/**
 * The single writer of payment state: applies one Stripe fact to one order.
 * Idempotent (a repeated fact is a no-op) and safe under concurrency: the
 * order row, its transition row and any alert are written in one D1 batch
 * guarded by the order's version, so a racing writer makes us re-read and
 * decide again instead of overwriting.
 */
export async function applyFact(
	deps: Deps,
	orderId: string,
	fact: Fact,
	src: FactSource,
): Promise<ApplyResult> {
	const { db } = deps;
	for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		const order = await db.query.orders.findFirst({ where: eq(orders.id, orderId) });
		if (!order) return { outcome: "not_found" };
		const now = deps.now();
		const decision = decide(order, fact, now);
		if (decision.outcome === "noop" || decision.outcome === "stale") {
			return { ...decision, from: order.status, status: order.status };
		}

		const guard = and(eq(orders.id, order.id), eq(orders.version, order.version));
		// The guarded inserts run first: they must see the version before the update bumps it.
		const writes: SQL[] = [];
		const steps = decision.to
			? [order.status, ...(decision.through ? [decision.through] : []), decision.to]
			: [];
		for (let i = 1; i < steps.length; i++) {
			writes.push(sql`insert into order_transitions (order_id, from_status, to_status, source, stripe_event_id, at)
				select ${order.id}, ${steps[i - 1]}, ${steps[i]}, ${src.source}, ${src.stripeEventId ?? null}, ${now}
				from orders where ${guard}`);
		}
		if (decision.alert) {
			const { kind, message, dedupeKey } = decision.alert;
			writes.push(sql`insert into alerts (kind, order_id, message, dedupe_key, created_at)
				select ${kind}, ${order.id}, ${message}, ${dedupeKey}, ${now}
				from orders where ${guard}
				on conflict (dedupe_key) do nothing`);
		}
		const update = db
			.update(orders)
			.set({
				...decision.patch,
				...(decision.to && { status: decision.to }),
				// Only a status change moves the clock that makes older facts stale.
				lastFactAt: decision.to ? Math.max(order.lastFactAt ?? 0, fact.created) : order.lastFactAt,
				updatedAt: now,
				version: order.version + 1,
			})
			.where(guard);
		const results = await runBatch(db, [...writes, update.getSQL()]);
		const updated = results.at(-1)?.meta.changes;
		if (updated === 1) {
			if (decision.alert) deps.notify({ ...decision.alert, orderId: order.id });
			deps.log.info("order fact applied", {
				orderId: order.id,
				fact: fact.kind,
				outcome: decision.outcome,
				from: order.status,
				to: decision.to ?? order.status,
				source: src.source,
				stripeEventId: src.stripeEventId,
			});
			return { ...decision, from: order.status, status: decision.to ?? order.status };
		}
	}
	throw new Error(`order ${orderId} changed ${MAX_ATTEMPTS} times while applying ${fact.kind}`);
}
