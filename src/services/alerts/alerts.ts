import type { Db } from "../../db/client.ts";
import { alerts } from "../../db/schema.ts";
import type { Alert } from "../../domain/vocabulary.ts";
import type { Logger } from "../../lib/log.ts";
import { describeError } from "../../lib/log.ts";
import type { Deps } from "../deps.ts";

/** The insert for an alert; a repeated `dedupeKey` is dropped, so one fault raises one alert. */
function alertInsert(db: Db, alert: Alert, nowMs: number) {
	return db
		.insert(alerts)
		.values({
			kind: alert.kind,
			orderId: alert.orderId,
			message: alert.message,
			dedupeKey: alert.dedupeKey ?? null,
			createdAt: nowMs,
		})
		.onConflictDoNothing();
}

/** Records an alert and sends it outside. Never throws: alerting must not break payment handling. */
export async function raiseAlert(deps: Deps, alert: Alert): Promise<void> {
	try {
		const result = await alertInsert(deps.db, alert, deps.now());
		if (result.meta.changes === 0) return;
	} catch (err) {
		deps.log.error("alert not recorded", {
			alertKind: alert.kind,
			orderId: alert.orderId,
			...describeError(err),
		});
	}
	deps.notify(alert);
}

/**
 * Builds the notifier: logs every alert and, when `ALERT_WEBHOOK_URL` is set,
 * POSTs it as JSON in the background (`waitUntil`), swallowing failures.
 */
export function createNotifier(opts: {
	url: string | null;
	log: Logger;
	waitUntil: (promise: Promise<unknown>) => void;
}): (alert: Alert) => void {
	return (alert) => {
		opts.log.warn("alert", {
			alertKind: alert.kind,
			orderId: alert.orderId,
			alertMessage: alert.message,
		});
		if (!opts.url) return;
		const send = fetch(opts.url, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ kind: alert.kind, orderId: alert.orderId, message: alert.message }),
			signal: AbortSignal.timeout(5000),
		})
			.then((res) => {
				if (!res.ok) opts.log.error("alert webhook answered an error", { status: res.status });
			})
			.catch((err) => opts.log.error("alert webhook failed", describeError(err)));
		opts.waitUntil(send);
	};
}
