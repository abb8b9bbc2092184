import type { Statement } from "../../db/batch.ts";
import type { WebhookResult } from "../../domain/vocabulary.ts";

/** What the ledger keeps of an event: Stripe's id, type and time. */
export type LedgerEvent = { id: string; type: string; created: number };

/** The end of one delivery, as the ledger records it. */
export type LedgerOutcome = {
	result: WebhookResult;
	detail: string;
	orderId: string | null;
};

/**
 * Upserts the event's ledger row (`webhook_events`): its result, a failure's
 * detail, the order it was about; releases the delivery's claim. With a
 * `guard`, the row is written only if the guarded order row is still as read
 * (an `insert … select … from orders where <guard>`), so the single writer
 * commits it with the change it records, in the same batch, or not at all.
 */
export function ledgerWrite(
	event: LedgerEvent,
	outcome: LedgerOutcome,
	now: number,
	guard?: Statement,
): Statement {
	const error = outcome.result === "processed" ? null : outcome.detail;
	const processedAt = outcome.result === "failed" ? null : now;
	const values = [
		event.id,
		event.type,
		event.created,
		now,
		processedAt,
		outcome.result,
		error,
		outcome.orderId,
	];
	const source = guard
		? `select ?, ?, ?, ?, ?, ?, ?, ? from orders where ${guard.sql}`
		: "values (?, ?, ?, ?, ?, ?, ?, ?)";
	return {
		sql: `insert into webhook_events (id, type, created, received_at, processed_at, result, error, order_id)
		${source}
		on conflict (id) do update set
			result = excluded.result,
			error = excluded.error,
			order_id = coalesce(excluded.order_id, webhook_events.order_id),
			processed_at = excluded.processed_at,
			attempts = webhook_events.attempts + 1,
			claim_token = null,
			claimed_at = null`,
		params: guard ? [...values, ...guard.params] : values,
	};
}
