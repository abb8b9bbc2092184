/**
 * The SQL the worker really sends for the lookups the growth measure times:
 * runs the worker's own functions (src/services) on a D1 stand-in that records
 * each statement and returns no rows, so nothing here restates a query, nor
 * how the operator's search term is bound.
 */
import { ROOT } from "./proc.ts";

export type CapturedQuery = { sql: string; params: unknown[] };
export type WorkerQueries = {
	bySession: CapturedQuery;
	byPaymentIntent: CapturedQuery;
	reconcileDue: CapturedQuery;
	reconcileIncomplete: CapturedQuery;
	reconcileRefundDue: CapturedQuery;
	reconcileNeverSent: CapturedQuery;
	searchByEmail: CapturedQuery;
	searchByOrderId: CapturedQuery;
	searchBySession: CapturedQuery;
	searchByPaymentIntent: CapturedQuery;
};

/** Marks the parameter that takes the looked-up id (or the searched term). */
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
const createDb = async () =>
	((await load("src/db/client.ts")) as unknown as { createDb: (d1: unknown) => unknown }).createDb;

/** The one statement `run` sends. */
async function one(run: (db: unknown) => Promise<unknown>): Promise<CapturedQuery> {
	const d1 = recordingD1();
	await run((await createDb())(d1));
	if (d1.captured.length !== 1) throw new Error(`expected 1 statement, got ${d1.captured.length}`);
	return d1.captured[0] as CapturedQuery;
}

/**
 * The console's search for `term` (a page of 50, as the console asks; with no
 * rows found, listOrders reads no items) and the position of the parameter
 * that carries the term, as searchCondition bound it (trimmed, and lower-cased
 * for an e-mail or an order id).
 */
async function search(term: string): Promise<{ query: CapturedQuery; at: number }> {
	const admin = await load("src/services/admin/orders.ts");
	const query = await one((db) =>
		(admin.listOrders as Module[string])(db, { q: term, limit: 50 }, Date.now()),
	);
	const folded = term.trim().toLowerCase();
	const at = query.params.findIndex((p) => typeof p === "string" && p.toLowerCase() === folded);
	if (at < 0) throw new Error(`search for ${term}: no parameter carries the term`);
	return { query, at };
}

/** The search statement for terms of `term`'s form, with KEY in place of the term. */
async function searchQuery(term: string): Promise<CapturedQuery> {
	const { query, at } = await search(term);
	return { sql: query.sql, params: query.params.map((p, i) => (i === at ? KEY : p)) };
}

/**
 * What the worker binds when the operator searches each of `terms`, for the
 * timing loop to put in place of KEY: the term as the operator typed it is not
 * what reaches SQLite (an e-mail in capitals is looked up lower-cased). Each
 * term must take `query`'s statement, so a key cannot be timed on another search.
 */
export async function searchKeys(query: CapturedQuery, terms: string[]): Promise<string[]> {
	const keys: string[] = [];
	for (const term of terms) {
		const found = await search(term);
		if (found.query.sql !== query.sql)
			throw new Error(`search for ${term} sends another statement than its kind's`);
		keys.push(found.query.params[found.at] as string);
	}
	return keys;
}

export async function captureWorkerQueries(
	nowMs: number,
	graceSeconds: number,
): Promise<WorkerQueries> {
	const orders = await load("src/services/orders/orders.ts");
	const reconcile = await load("src/services/orders/reconcile.ts");

	const bySession = await one((db) => (orders.findOrderBySession as Module[string])(db, KEY));
	const byPaymentIntent = await one((db) =>
		(orders.findOrderByPaymentIntent as Module[string])(db, KEY),
	);
	// searchCondition tells the kind of search by the term's form: one term of each form.
	const searchByEmail = await searchQuery(`${KEY}@Example.com`);
	const searchByOrderId = await searchQuery(KEY);
	const searchBySession = await searchQuery(`cs_${KEY}`);
	const searchByPaymentIntent = await searchQuery(`pi_${KEY}`);

	const d1 = recordingD1();
	const silent = () => {};
	const log = { debug: silent, info: silent, warn: silent, error: silent, child: () => log };
	await (reconcile.reconcile as Module[string])(
		{
			db: (await createDb())(d1),
			log,
			now: () => nowMs,
			notify: silent,
			stripe: { checkout: { sessions: { list: async () => ({ data: [] }) } } },
		},
		{ graceSeconds },
	);
	// reconcile()'s reads of orders, each told by the index or column it must go through.
	const reads = d1.captured.filter((q) => /^select .* from "?orders"?\s/is.test(q.sql));
	const named = (pattern: RegExp): CapturedQuery => {
		const found = reads.filter((q) => pattern.test(q.sql));
		if (found.length !== 1 || !found[0])
			throw new Error(
				`reconcile sends ${found.length} reads matching ${pattern}:\n${reads.map((q) => q.sql).join("\n")}`,
			);
		return found[0];
	};
	const reconcileNeverSent = named(/"stripe_checkout_session_id" is null/);
	const reconcileIncomplete = named(/orders_incomplete_idx/);
	const reconcileRefundDue = named(/"refund_check_at" is not null/);
	const reconcileDue = named(/orders_open_reconcile_idx/);
	return {
		bySession,
		byPaymentIntent,
		reconcileDue,
		reconcileIncomplete,
		reconcileRefundDue,
		reconcileNeverSent,
		searchByEmail,
		searchByOrderId,
		searchBySession,
		searchByPaymentIntent,
	};
}
