import { and, count, desc, eq, gte, max } from "drizzle-orm";
import type Stripe from "stripe";
import type { Db } from "../../db/client.ts";
import { alerts, webhookEvents } from "../../db/schema.ts";
import { mayReplay } from "../../domain/actions.ts";
import { WEBHOOK_RESULTS, type WebhookResult } from "../../domain/vocabulary.ts";
import { AppError } from "../../lib/errors.ts";
import { DAY_MS, isoTime } from "../../lib/time.ts";
import type { StripeDeps } from "../deps.ts";
import { handleStripeEvent } from "../webhooks/events.ts";
import { stripeCallFailed } from "./errors.ts";

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
	return { events: rows.map(ledgerView) };
}

function ledgerView(e: LedgerRow) {
	return {
		id: e.id,
		type: e.type,
		result: e.result,
		error: e.error,
		orderId: e.orderId,
		receivedAt: isoTime(e.receivedAt),
		processedAt: isoTime(e.processedAt),
		attempts: e.attempts,
	};
}

/**
 * Replays a failed event as reconciliation does: Stripe's own copy, fetched
 * again, through the webhook's handler. Answers the ledger row after, and what
 * the handler said. 404 `event_not_found` for an event the ledger never saw;
 * 409 `event_not_failed` for one that needs no replay.
 */
export async function replayWebhookEvent(deps: StripeDeps, id: string) {
	const [before] = await deps.db
		.select()
		.from(webhookEvents)
		.where(eq(webhookEvents.id, id))
		.limit(1);
	if (!before) throw new AppError("event_not_found", "No such event in the ledger.");
	if (!mayReplay(before))
		throw new AppError("event_not_failed", `This event was ${before.result}: nothing to replay.`);
	let event: Stripe.Event;
	try {
		event = await deps.stripe.events.retrieve(id);
	} catch (err) {
		throw stripeCallFailed(deps.log, "webhook event replay", err);
	}
	let outcome: { result: string; detail: string };
	try {
		outcome = await handleStripeEvent(deps, event);
	} catch (err) {
		// Recorded as failed again by the handler, with its reason: shown, not thrown.
		outcome = { result: "failed", detail: err instanceof Error ? err.message : String(err) };
	}
	deps.log.info("webhook event replayed", { stripeEventId: id, result: outcome.result });
	const [after] = await deps.db
		.select()
		.from(webhookEvents)
		.where(eq(webhookEvents.id, id))
		.limit(1);
	return { event: ledgerView(after ?? before), outcome };
}

/**
 * Whether Stripe is still delivering: the last event received, and the last
 * day's events by result. Stripe disables an endpoint after days of failures
 * and says so only by e-mail; this is where the owner sees it coming.
 */
export async function webhookHealth(db: Db, nowMs: number) {
	const since = nowMs - DAY_MS;
	const perResult = await Promise.all(
		WEBHOOK_RESULTS.map(async (result) => {
			// Each walks webhook_events_result_idx (result, received_at).
			const [day] = await db
				.select({ n: count() })
				.from(webhookEvents)
				.where(and(eq(webhookEvents.result, result), gte(webhookEvents.receivedAt, since)));
			const [ever] = await db
				.select({ last: max(webhookEvents.receivedAt) })
				.from(webhookEvents)
				.where(eq(webhookEvents.result, result));
			return { result, n: Number(day?.n ?? 0), last: Number(ever?.last ?? 0) };
		}),
	);
	const lastReceived = Math.max(0, ...perResult.map((r) => r.last));
	const last24h = Object.fromEntries(perResult.map((r) => [r.result, r.n])) as Record<
		WebhookResult,
		number
	>;
	return {
		lastReceivedAt: lastReceived > 0 ? isoTime(lastReceived) : null,
		last24h,
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
