/**
 * Measure 4: growth. The worker's own lookups (order by Checkout Session id,
 * by PaymentIntent id, the reconciliation queries, the operator's order search)
 * timed on local D1 files holding 1k and 100k orders, with their query plans.
 *
 * D1 local is SQLite: migrations are applied once by wrangler to a template
 * persist dir, each data set is a copy of it filled and queried with
 * node:sqlite. The SQL is captured from the worker's functions (worker-sql.ts).
 * The orders export runs the worker's own code on each steady data set.
 */
import { randomBytes } from "node:crypto";
import { cpSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync as DatabaseSyncType, SQLInputValue } from "node:sqlite";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { localD1File, openSqlite } from "../../scripts/stack.ts";
import { median } from "../lib/load.ts";
import { ROOT, wrangler } from "../lib/proc.ts";
import { sqliteD1 } from "../lib/sqlite-d1.ts";
import { type CapturedQuery, captureWorkerQueries, KEY, searchKeys } from "../lib/worker-sql.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const GRACE_SECONDS = 900;

export type Dataset = "steady" | "stale-failed";
export type GrowthPlan = { sizes: [number, number]; samples: number; batch: number };

export type QueryTiming = {
	query: string;
	dataset: Dataset;
	size: number;
	/** Median time of one execution (rows read into JS objects), microseconds. */
	medianUs: number;
	rows: number;
};
export type QueryPlan = {
	/** Indexes the plan reads `orders` through. */
	indexes: string[];
	query: string;
	dataset: Dataset;
	size: number;
	plan: string[];
	usesIndex: boolean;
};
/** The orders export (`GET /admin/orders.csv`, every order) over one data set. */
export type ExportRun = {
	size: number;
	rows: number;
	megabytes: number;
	seconds: number;
	/** The most live heap it held above where it started, measured after a GC every 1,000 orders. */
	peakLiveMiB: number;
};
export type GrowthResult = {
	sql: Record<string, CapturedQuery>;
	timings: QueryTiming[];
	plans: QueryPlan[];
	openOrders: Record<string, number>;
	exports: ExportRun[];
};

const id = (n: number) => randomBytes(n).toString("base64url").replace(/[-_]/g, "x");

/**
 * The address the customer of the `n`th order gave, if it was paid: about four
 * orders per customer at every size, three or four of them paid (so an e-mail
 * search finds a handful of rows, not the table), spread over the year; a
 * customer typed it with capitals every other time, which a search must find
 * all the same.
 */
function customerEmail(n: number, size: number): string {
	const customers = Math.max(1, Math.floor(size / 4));
	const c = n % customers;
	return Math.floor(n / customers) % 2 === 1
		? `Shopper.${c}@Example.com`
		: `shopper.${c}@example.com`;
}

/**
 * `size` orders. History (older than two days) is final, as reconciliation
 * leaves it: paid 85 %, expired 10 %, canceled 2 % (half never sent to Stripe),
 * refunded 2 %, and 1 % paid (`steady`) or left `failed` with its session long
 * closed (`stale-failed`: declined orders whose session expired unnoticed, which
 * reconciliation now settles in turn, least recently checked first).
 * Live orders are the same 70 in every size: recent pending, processing,
 * failed and paid ones, plus 10 amount mismatches waiting for a human.
 * Paid and refunded orders carry their customer's e-mail (customerEmail).
 */
function fill(db: DatabaseSyncType, size: number, dataset: Dataset, now: number): string[] {
	const insert = db.prepare(`insert into orders (id, status, amount, subtotal, currency, items_key,
		stripe_checkout_session_id, stripe_payment_intent_id, checkout_url, checkout_expires_at,
		customer_email, failure_code, failure_message, amount_refunded, version, last_fact_at,
		reconciled_at, created_at, updated_at, paid_at, refund_check_at)
		values (?, ?, ?, 2400, 'usd', 'usd|espresso-beans*1@2400', ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`);
	const sessions: string[] = [];
	let added = 0;
	const add = (
		status: string,
		createdAt: number,
		o: {
			session?: boolean;
			pi?: boolean;
			failure?: string;
			reconciled?: boolean;
			refunded?: boolean;
		} = {},
	) => {
		const session = o.session === false ? null : `cs_test_${id(42)}`;
		if (session) sessions.push(session);
		const pi = o.pi ? `pi_${id(18)}` : null;
		const paid = status === "paid" || status === "refunded";
		const n = added++;
		insert.run(
			crypto.randomUUID(),
			status,
			2400,
			session,
			pi,
			session ? `https://checkout.stripe.com/c/pay/${session}` : null,
			session ? createdAt + HOUR : null,
			paid ? customerEmail(n, size) : null,
			o.failure ?? null,
			o.failure ? "Your card was declined." : null,
			o.refunded ? 2400 : 0,
			Math.floor(createdAt / 1000) + 60,
			o.reconciled ? createdAt + 20 * 60_000 : null,
			createdAt,
			createdAt + 60_000,
			paid ? createdAt + 60_000 : null,
			// Paid orders of the last 30 days are in the refund re-check, as the worker leaves them.
			status === "paid" && createdAt > now - 30 * DAY
				? o.reconciled
					? createdAt + 20 * 60_000
					: 0
				: null,
		);
	};
	const live = 70;
	db.exec("begin");
	const history = size - live;
	for (let i = 0; i < history; i++) {
		const createdAt = now - 2 * DAY - Math.floor((i / history) * 365 * DAY);
		const bucket = i % 100;
		const reconciled = i % 3 === 0;
		if (bucket < 85) add("paid", createdAt, { pi: true, reconciled });
		else if (bucket < 95) add("expired", createdAt, { reconciled });
		else if (bucket === 95) add("canceled", createdAt, { session: false });
		else if (bucket === 96) add("canceled", createdAt, { reconciled });
		else if (bucket < 99) add("refunded", createdAt, { pi: true, refunded: true, reconciled });
		else if (dataset === "stale-failed")
			add("failed", createdAt, { pi: true, failure: "card_declined", reconciled: true });
		else add("paid", createdAt, { pi: true, reconciled });
	}
	for (let i = 0; i < 10; i++) {
		add("pending", now - 30 * 60_000 - i * 60_000, { reconciled: i % 2 === 0 }); // past the grace period
		add("pending", now - 5 * 60_000 - i * 10_000); // within it
		add("processing", now - 2 * HOUR - i * 60_000, { pi: true, reconciled: i % 2 === 0 });
		add("failed", now - HOUR / 2 - i * 60_000, { pi: true, failure: "card_declined" });
		add("failed", now - 3 * HOUR - i * 60_000, {
			pi: true,
			failure: "amount_mismatch",
			reconciled: true,
		});
		add("paid", now - HOUR - i * 60_000, { pi: true });
		add("paid", now - 2 * HOUR - i * 60_000, { pi: true });
	}
	db.exec("commit");
	return sessions;
}

type Prepared = { run: (key: string) => number };

function prepare(db: DatabaseSyncType, q: CapturedQuery): Prepared {
	const statement = db.prepare(q.sql);
	return {
		run: (key) =>
			statement.all(...(q.params.map((p) => (p === KEY ? key : p)) as SQLInputValue[])).length,
	};
}

/**
 * Times one query on every data set side by side: samples alternate between
 * the sets (so a busy moment on the machine hits both), each sample runs the
 * query `batch` times with rotating keys; the median sample is reported.
 */
function timeSideBySide(
	targets: { prepared: Prepared; keys: string[] }[],
	batch: number,
	samples: number,
): { medianUs: number; rows: number }[] {
	const cursors = targets.map(() => 0);
	const times: number[][] = targets.map(() => []);
	const rows = targets.map(() => 0);
	const sample = (t: number, record: boolean) => {
		const { prepared, keys } = targets[t] as (typeof targets)[number];
		const start = process.hrtime.bigint();
		for (let i = 0; i < batch; i++) {
			rows[t] = prepared.run(keys[(cursors[t] as number) % keys.length] as string);
			cursors[t] = (cursors[t] as number) + 1;
		}
		if (record) (times[t] as number[]).push(Number(process.hrtime.bigint() - start) / 1000 / batch);
	};
	// Warm-up: compile, fill the page cache.
	for (let w = 0; w < 5; w++) for (let t = 0; t < targets.length; t++) sample(t, false);
	for (let s = 0; s < samples; s++) {
		for (let i = 0; i < targets.length; i++) sample((i + s) % targets.length, true);
	}
	return targets.map((_, t) => ({
		medianUs: median(times[t] as number[]),
		rows: rows[t] as number,
	}));
}

/** A random sample of up to 2000 keys, so lookups jump around the index as real traffic does. */
function sample(list: string[]): string[] {
	const copy = [...list];
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[copy[i], copy[j]] = [copy[j] as string, copy[i] as string];
	}
	return copy.slice(0, 2000);
}

/**
 * `EXPLAIN QUERY PLAN` as an indented tree, and whether it reads `orders` through an index only.
 * A `lookup` names one key, so for it walking a whole index (`SCAN orders USING INDEX …`, as
 * an ordered walk of orders_created_idx would) is a scan too: it must SEARCH.
 */
function explain(
	db: DatabaseSyncType,
	q: CapturedQuery,
	lookup: boolean,
): { plan: string[]; usesIndex: boolean; indexes: string[] } {
	const rows = db
		.prepare(`explain query plan ${q.sql}`)
		.all(...(q.params.map((p) => (p === KEY ? "x" : p)) as SQLInputValue[])) as {
		id: number;
		parent: number;
		detail: string;
	}[];
	const depth = new Map<number, number>();
	const plan = rows.map((r) => {
		const d = (depth.get(r.parent) ?? -1) + 1;
		depth.set(r.id, d);
		return `${"  ".repeat(d)}${r.detail}`;
	});
	const fullScan = rows.some(
		(r) => /^SCAN orders\b/.test(r.detail) && (lookup || !/USING/.test(r.detail)),
	);
	const indexed = rows.some((r) =>
		/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(r.detail),
	);
	const indexes = rows.flatMap((r) => {
		const m = /USING (?:COVERING )?INDEX (\w+)/.exec(r.detail);
		return m?.[1] ? [m[1]] : /USING INTEGER PRIMARY KEY/.test(r.detail) ? ["rowid"] : [];
	});
	return { plan, usesIndex: indexed && !fullScan, indexes };
}

/** A persist dir with the migrations applied by wrangler: each data set starts as a copy of it. */
export async function prepareGrowthTemplate(template: string): Promise<void> {
	await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", template]);
}

export async function measureGrowth(options: {
	plan: GrowthPlan;
	tmp: string;
	template: string;
	log: (line: string) => void;
}): Promise<GrowthResult> {
	const { plan, tmp, template } = options;
	const now = Date.now();
	const captured = await captureWorkerQueries(now, GRACE_SECONDS);
	type Keys = "session" | "pi" | "email" | "order" | "none";
	// `searched`: the keys are terms the operator types, timed as the worker binds them.
	const queries: [name: string, query: CapturedQuery, keys: Keys, searched?: boolean][] = [
		["order by session id", captured.bySession, "session"],
		["order by PaymentIntent id", captured.byPaymentIntent, "pi"],
		["reconcile: due orders", captured.reconcileDue, "none"],
		["reconcile: paid, unreported", captured.reconcileIncomplete, "none"],
		["reconcile: refund re-check", captured.reconcileRefundDue, "none"],
		["reconcile: never sent", captured.reconcileNeverSent, "none"],
		["search: by email", captured.searchByEmail, "email", true],
		["search: by order id", captured.searchByOrderId, "order", true],
		["search: by session id", captured.searchBySession, "session", true],
		["search: by PaymentIntent id", captured.searchByPaymentIntent, "pi", true],
	];

	type Db = {
		dataset: Dataset;
		size: number;
		db: DatabaseSyncType;
		keys: Record<Keys, string[]>;
	};
	const dbs: Db[] = [];
	const openOrders: Record<string, number> = {};
	for (const dataset of ["steady", "stale-failed"] as const) {
		for (const size of plan.sizes) {
			const dir = join(tmp, `growth-${dataset}-${size}`);
			cpSync(template, dir, { recursive: true });
			const db = await openSqlite(localD1File(dir));
			const started = performance.now();
			const sessions = fill(db, size, dataset, now);
			const column = (select: string) =>
				(db.prepare(select).all() as { v: string }[]).map((r) => r.v);
			const pis = column("select stripe_payment_intent_id as v from orders where v is not null");
			// Searched in capitals, a case no order stored them in: the search must not depend on it.
			const emails = column(
				"select distinct customer_email as v from orders where v is not null",
			).map((e) => e.toUpperCase());
			const orderIds = column("select id as v from orders");
			const open = db
				.prepare(
					"select count(*) as n from orders where status in ('pending', 'processing', 'failed')",
				)
				.get() as { n: number };
			openOrders[`${dataset}/${size}`] = open.n;
			options.log(
				`  ${dataset}: ${size} orders written in ${((performance.now() - started) / 1000).toFixed(1)} s (${open.n} open)`,
			);
			dbs.push({
				dataset,
				size,
				db,
				keys: {
					session: sample(sessions),
					pi: sample(pis),
					email: sample(emails),
					order: sample(orderIds),
					none: [""],
				},
			});
		}
	}

	const timings: QueryTiming[] = [];
	const plans: QueryPlan[] = [];
	for (const [name, q, keyKind, searched] of queries) {
		for (const dataset of ["steady", "stale-failed"] as const) {
			// The stale-failed data set only matters to the reconciliation queries.
			if (dataset === "stale-failed" && keyKind !== "none") continue;
			const targets = dbs.filter((d) => d.dataset === dataset);
			const batch = keyKind === "none" ? Math.max(1, Math.floor(plan.batch / 10)) : plan.batch;
			const keys = await Promise.all(
				targets.map((d) => (searched ? searchKeys(q, d.keys[keyKind]) : d.keys[keyKind])),
			);
			const results = timeSideBySide(
				targets.map((d, i) => ({ prepared: prepare(d.db, q), keys: keys[i] as string[] })),
				batch,
				plan.samples,
			);
			targets.forEach((d, i) => {
				timings.push({
					query: name,
					dataset,
					size: d.size,
					...(results[i] as { medianUs: number; rows: number }),
				});
			});
			const largest = targets[targets.length - 1] as Db;
			plans.push({
				query: name,
				dataset,
				size: largest.size,
				...explain(largest.db, q, keyKind !== "none"),
			});
		}
	}
	const exports: ExportRun[] = [];
	for (const d of dbs.filter((x) => x.dataset === "steady")) {
		exports.push(await measureExport(d.db, d.size));
		const run = exports.at(-1) as ExportRun;
		options.log(
			`  export: ${run.rows} orders, ${run.megabytes.toFixed(1)} MB in ${run.seconds.toFixed(1)} s, ${run.peakLiveMiB.toFixed(2)} MiB live at most`,
		);
	}
	for (const d of dbs) d.db.close();
	return {
		sql: Object.fromEntries(queries.map(([name, q]) => [name, q])),
		timings,
		plans,
		openOrders,
		exports,
	};
}

/** V8's collector, for measuring what is live (node --expose-gc, set here instead of on the command line). */
function collector(): () => void {
	setFlagsFromString("--expose_gc");
	return runInNewContext("gc") as () => void;
}

/**
 * The worker's own export (`ordersCsv`, as `GET /admin/orders.csv` streams it)
 * of every order of a data set, read to its end on a D1 stand-in over the same
 * SQLite file: its size, time and the live memory it holds (sampled after a
 * GC every ten pages), which must not grow with the count.
 */
async function measureExport(db: DatabaseSyncType, size: number): Promise<ExportRun> {
	const worker = (path: string) => import(`${ROOT}/${path}`);
	const { ordersCsv } = await worker("src/services/admin/orders-csv.ts");
	const { createDb } = await worker("src/db/client.ts");
	const gc = collector();
	gc();
	const base = process.memoryUsage().heapUsed;
	let peak = 0;
	let bytes = 0;
	let lines = 0;
	let chunks = 0;
	const started = performance.now();
	const reader = (ordersCsv(createDb(sqliteD1(db)), {}) as ReadableStream<Uint8Array>).getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		bytes += value.byteLength;
		for (const byte of value) if (byte === 0x0a) lines++;
		if (++chunks % 10 === 0) {
			gc();
			peak = Math.max(peak, process.memoryUsage().heapUsed - base);
		}
	}
	const seconds = (performance.now() - started) / 1000;
	gc();
	peak = Math.max(peak, process.memoryUsage().heapUsed - base);
	return { size, rows: lines - 1, megabytes: bytes / 1e6, seconds, peakLiveMiB: peak / 2 ** 20 };
}
