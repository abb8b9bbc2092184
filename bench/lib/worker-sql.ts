/**
 * The SQL the worker really sends for the lookups the growth measure times:
 * runs the worker's own functions (src/services) on a D1 stand-in that records
 * each statement and returns no rows, so nothing here restates a query.
 */
import { ROOT } from "./proc.ts";

export type CapturedQuery = { sql: string; params: unknown[] };
export type WorkerQueries = {
	bySession: CapturedQuery;
	byPaymentIntent: CapturedQuery;
	reconcileDue: CapturedQuery;
	reconcileRefundDue: CapturedQuery;
	reconcileNeverSent: CapturedQuery;
};

/** Marks the parameter that takes the looked-up id. */
export const KEY = "__bench_key__";

type RecordingD1 = { captured: CapturedQuery[] };

function recordingD1(): RecordingD1 & Record<string, unknown> {
	const captured: CapturedQuery[] = [];
	const statement = (sql: string, params: unknown[] = []) => {
		const record = <T>(value: T) => {
			captured.push({ sql, params });
			return Promise.resolve(value);
		};
		return {
			bind: (...values: unknown[]) => statement(sql, values),
			all: () => record({ results: [], success: true, meta: { changes: 0 } }),
			raw: () => record([]),
			first: () => record(null),
			run: () => record({ results: [], success: true, meta: { changes: 0 } }),
		};
	};
	return {
		captured,
		prepare: (sql: string) => statement(sql),
		batch: async () => [],
		exec: async () => ({ count: 0, duration: 0 }),
	};
}

type Module = Record<string, (...args: unknown[]) => Promise<unknown>>;
// Imported by computed path so the Node type check does not follow into the worker (its types are workerd's).
const load = async (path: string): Promise<Module> => (await import(`${ROOT}/${path}`)) as Module;

export async function captureWorkerQueries(
	nowMs: number,
	graceSeconds: number,
): Promise<WorkerQueries> {
	const { createDb } = (await load("src/db/client.ts")) as unknown as {
		createDb: (d1: unknown) => unknown;
	};
	const orders = await load("src/services/orders.ts");
	const reconcile = await load("src/services/reconcile.ts");

	const one = async (run: (db: unknown) => Promise<unknown>): Promise<CapturedQuery> => {
		const d1 = recordingD1();
		await run(createDb(d1));
		if (d1.captured.length !== 1)
			throw new Error(`expected 1 statement, got ${d1.captured.length}`);
		return d1.captured[0] as CapturedQuery;
	};
	const bySession = await one((db) => (orders.findOrderBySession as Module[string])(db, KEY));
	const byPaymentIntent = await one((db) =>
		(orders.findOrderByPaymentIntent as Module[string])(db, KEY),
	);

	const d1 = recordingD1();
	const silent = () => {};
	const log = { debug: silent, info: silent, warn: silent, error: silent, child: () => log };
	await (reconcile.reconcile as Module[string])(
		{
			db: createDb(d1),
			log,
			now: () => nowMs,
			notify: silent,
			stripe: { checkout: { sessions: { list: async () => ({ data: [] }) } } },
		},
		{ graceSeconds },
	);
	// reconcile() reads: orders never sent to Stripe, paid orders due a refund re-check, the
	// open orders due, then failed webhook events.
	const reads = d1.captured.filter((q) => /^select .* from "?orders"?\s/is.test(q.sql));
	const [reconcileNeverSent, reconcileRefundDue, reconcileDue] = reads;
	if (
		!reconcileNeverSent ||
		!reconcileRefundDue ||
		!reconcileDue ||
		!/refund_check_at/i.test(reconcileRefundDue.sql) ||
		!/order by/i.test(reconcileDue.sql)
	)
		throw new Error(
			`unexpected reconcile statements:\n${d1.captured.map((q) => q.sql).join("\n")}`,
		);
	return { bySession, byPaymentIntent, reconcileDue, reconcileRefundDue, reconcileNeverSent };
}
