import { getTableColumns, sql } from "drizzle-orm";
import { runBatch, type Statement, written } from "../../db/batch.ts";
import { orders } from "../../db/schema.ts";
import { emailsFor } from "../../domain/emails.ts";
import type { Fact } from "../../domain/facts.ts";
import type { AlertFact, Decision } from "../../domain/transitions.ts";
import { decide, isOpenStatus, isReleasedStatus } from "../../domain/transitions.ts";
import type { OrderStatus, TransitionSource } from "../../domain/vocabulary.ts";
import { alertFor } from "../alerts/messages.ts";
import type { Deps } from "../deps.ts";
import { type LedgerEvent, ledgerWrite } from "../webhooks/ledger.ts";
import { deliveryStatements } from "./delivery.ts";
import { findOrder, type OrderRow } from "./orders.ts";
import { judgeRetake, release, releasedLines, retake } from "./stock.ts";

export type FactSource = {
	source: TransitionSource;
	/**
	 * The Stripe event that told the fact (a webhook): its id goes on the
	 * transition row, and its ledger row (`processed`) is committed in the same
	 * batch as the change, guarded like the transition, so it exists exactly
	 * when the change does.
	 */
	event?: LedgerEvent;
};

export type ApplyResult =
	| { outcome: "not_found" }
	| (Decision & { from: OrderStatus; status: OrderStatus; written: boolean });

const MAX_ATTEMPTS = 5;

/**
 * The single writer of payment state: applies one Stripe fact to one order.
 * Idempotent (a repeated fact is a no-op) and safe under concurrency: the
 * order row, its transition row and any alert are written in one D1 batch
 * guarded by the order's version, so a racing writer makes us re-read and
 * decide again instead of overwriting. A caller that has just read the order
 * may pass the row to save a read.
 */
export async function applyFact(
	deps: Deps,
	target: string | OrderRow,
	fact: Fact,
	src: FactSource,
): Promise<ApplyResult> {
	const { db } = deps;
	const orderId = typeof target === "string" ? target : target.id;
	let known = typeof target === "string" ? undefined : target;
	for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		const order = known ?? (await findOrder(db, orderId));
		known = undefined;
		if (!order) return { outcome: "not_found" };
		const now = deps.now();
		const decision = decide(order, fact, now);
		if (
			decision.outcome === "noop" ||
			decision.outcome === "stale" ||
			decision.outcome === "needs_session"
		) {
			return { ...decision, from: order.status, status: order.status, written: false };
		}

		// Money for an order whose stock was released takes the units again: judged on the stock read
		// now, and written only while it is still that stock.
		const retakes =
			isReleasedStatus(order.status) && (decision.to === "paid" || decision.through === "paid");
		const retaking = retakes ? judgeRetake(await releasedLines(db, order.id)) : undefined;
		// Every write is guarded by the order as read (and the stock as judged): written out here,
		// not built by drizzle, as this runs for every change of every order.
		const unchanged = retaking?.unchanged && written(retaking.unchanged);
		const guard: Statement = {
			sql: `id = ? and version = ?${unchanged ? ` and (${unchanged.sql})` : ""}`,
			params: [order.id, order.version, ...(unchanged?.params ?? [])],
		};
		const ifGuarded = (head: string, values: unknown[], tail = ""): Statement => ({
			sql: `${head} select ${values.map(() => "?").join(", ")} from orders where ${guard.sql}${tail}`,
			params: [...values, ...guard.params],
		});
		// The guarded inserts run first: they must see the version before the update bumps it.
		const writes: Statement[] = [];
		const steps = decision.to
			? [order.status, ...(decision.through ? [decision.through] : []), decision.to]
			: [];
		for (let i = 1; i < steps.length; i++) {
			writes.push(
				ifGuarded(
					"insert into order_transitions (order_id, from_status, to_status, source, stripe_event_id, at)",
					[order.id, steps[i - 1], steps[i], src.source, src.event?.id ?? null, now],
				),
			);
		}
		const alertFacts: AlertFact[] = decision.alert ? [decision.alert] : [];
		if (retaking && retaking.shortfalls.length > 0)
			alertFacts.push({
				kind: "oversold",
				dedupeKey: `oversold:${order.id}`,
				lines: retaking.shortfalls,
			});
		const raised = alertFacts.map((fact) => alertFor(order, fact));
		for (const { kind, message, dedupeKey } of raised) {
			writes.push(
				ifGuarded(
					"insert into alerts (kind, order_id, message, dedupe_key, created_at)",
					[kind, order.id, message, dedupeKey, now],
					" on conflict (dedupe_key) do nothing",
				),
			);
		}
		// The e-mails this change owes: committed with it, or not at all; one per cause.
		const owed = emailsFor(order, decision).map((email) => ({ ...email, id: crypto.randomUUID() }));
		const firstEmail = writes.length;
		for (const email of owed) {
			writes.push(
				ifGuarded(
					'insert into emails (id, order_id, kind, "to", locale, amount, dedupe_key, created_at)',
					[
						email.id,
						order.id,
						email.kind,
						email.to,
						order.locale,
						email.amount ?? null,
						email.dedupeKey,
						now,
					],
					" on conflict (dedupe_key) do nothing",
				),
			);
		}
		if (src.event)
			writes.push(
				ledgerWrite(
					src.event,
					{ result: "processed", detail: decision.reason, orderId: order.id },
					now,
					guard,
				),
			);
		const update = orderUpdate(
			{
				...decision.patch,
				...(decision.to && { status: decision.to }),
				// A newly paid order joins reconciliation's refund re-check; a refunded one leaves it.
				...(decision.to === "paid" && { refundCheckAt: 0 }),
				...(decision.to === "refunded" && { refundCheckAt: null }),
				// Who opened the checkout matters only while it is open (the per-client hold).
				...(decision.to && !isOpenStatus(decision.to) && { clientKey: null }),
				// Only a status change moves the clock that makes older facts stale.
				lastFactAt: decision.to ? Math.max(order.lastFactAt ?? 0, fact.created) : order.lastFactAt,
				updatedAt: now,
				version: order.version + 1,
			},
			guard,
		);
		// After the update: the stock moves only when this very change was written.
		const applied = sql`exists (select 1 from orders where id = ${order.id} and version = ${order.version + 1})`;
		const stock =
			decision.to && isReleasedStatus(decision.to) && !isReleasedStatus(order.status)
				? [release(order.id, applied)]
				: retaking
					? [retake(order.id, applied)]
					: [];
		// A payment delivers what can be downloaded (and fulfils an order that is only that).
		const delivery =
			decision.to === "paid" ? deliveryStatements(order.id, order.version + 1, now) : [];
		const results = await runBatch(db, [...writes, update, ...stock, ...delivery]);
		if (results[writes.length]?.meta.changes === 1) {
			const delivered = delivery.length > 0 && results.at(-1)?.meta.changes === 1;
			for (const alert of raised) deps.notify(alert);
			// An e-mail already owed by the same cause was not written again: nothing to send.
			const written = owed.filter((_, i) => results[firstEmail + i]?.meta.changes === 1);
			await deps.enqueueEmails(written.map((email) => email.id));
			deps.log.info("order fact applied", {
				orderId: order.id,
				fact: fact.kind,
				outcome: decision.outcome,
				from: order.status,
				to: decision.to ?? order.status,
				...(delivered && { delivered: true }),
				source: src.source,
				stripeEventId: src.event?.id,
			});
			return {
				...decision,
				from: order.status,
				status: delivered ? "fulfilled" : (decision.to ?? order.status),
				written: true,
			};
		}
	}
	throw new Error(`order ${orderId} changed ${MAX_ATTEMPTS} times while applying ${fact.kind}`);
}

const ORDER_COLUMNS = getTableColumns(orders);

/** `update orders set … where <guard>` for a patch of the order's fields, as drizzle would write it. */
function orderUpdate(patch: Partial<OrderRow>, guard: Statement): Statement {
	const sets: string[] = [];
	const params: unknown[] = [];
	for (const [key, value] of Object.entries(patch)) {
		if (value === undefined) continue;
		const column = ORDER_COLUMNS[key as keyof typeof ORDER_COLUMNS];
		sets.push(`"${column.name}" = ?`);
		params.push(value === null ? null : column.mapToDriverValue(value as never));
	}
	return {
		sql: `update "orders" set ${sets.join(", ")} where ${guard.sql}`,
		params: [...params, ...guard.params],
	};
}
