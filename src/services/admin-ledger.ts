import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { alerts, webhookEvents } from "../db/schema.ts";
import type { WebhookResult } from "../domain/vocabulary.ts";
import { isoTime } from "../lib/time.ts";

/** How many rows the operator lists show. */
export const LEDGER_LIMIT = 100;

type LedgerRow = typeof webhookEvents.$inferSelect;

const newestFirst = (a: LedgerRow, b: LedgerRow) =>
	b.receivedAt - a.receivedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * The webhook ledger for operators: failed events first (they need a look),
 * then newest first. One bounded query per result, each walking
 * `webhook_events_result_idx`, so a long ledger is never scanned whole.
 */
export async function listWebhookEvents(db: Db, query: { result?: WebhookResult }) {
	const newest = (result: WebhookResult) =>
		db
			.select()
			.from(webhookEvents)
			.where(eq(webhookEvents.result, result))
			.orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
			.limit(LEDGER_LIMIT);
	let rows: LedgerRow[];
	if (query.result) {
		rows = await newest(query.result);
	} else {
		const [failed, processed, ignored] = await db.batch([
			newest("failed"),
			newest("processed"),
			newest("ignored"),
		]);
		rows = [...failed, ...[...processed, ...ignored].sort(newestFirst)].slice(0, LEDGER_LIMIT);
	}
	return {
		events: rows.map((e) => ({
			id: e.id,
			type: e.type,
			result: e.result,
			error: e.error,
			orderId: e.orderId,
			receivedAt: isoTime(e.receivedAt),
		})),
	};
}

/** Recorded alerts, newest first. */
export async function listAlerts(db: Db) {
	const rows = await db
		.select()
		.from(alerts)
		.orderBy(desc(alerts.createdAt), desc(alerts.id))
		.limit(LEDGER_LIMIT);
	return {
		alerts: rows.map((a) => ({
			id: a.id,
			kind: a.kind,
			orderId: a.orderId,
			message: a.message,
			createdAt: isoTime(a.createdAt),
		})),
	};
}
