import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { createDb } from "../../../src/db/client.ts";
import * as schema from "../../../src/db/schema.ts";
import {
	alerts,
	emails,
	orderItems,
	orders,
	orderTransitions,
	products,
	webhookEvents,
} from "../../../src/db/schema.ts";
import { buildDeps } from "../../../src/deps.ts";
import type { OrderStatus } from "../../../src/domain/vocabulary.ts";
import type { Bindings } from "../../../src/env.ts";
import { createLogger } from "../../../src/lib/log.ts";
import type { AppDeps, Deps } from "../../../src/services/deps.ts";
import { sessionOfOrder, uniqueId } from "./stripe-objects.ts";

export const db = createDb(env.DB);
/** The same database with drizzle's relational API, for the tests' own reads (the worker has none). */
export const dbq = drizzle(env.DB, { schema });

export function testDeps(overrides: Partial<Deps> = {}): Deps {
	return {
		db,
		log: createLogger({ test: true }),
		now: Date.now,
		notify: () => {},
		enqueueEmails: async () => {},
		defer: (work) => void work.catch(() => {}),
		...overrides,
	};
}

/**
 * What the composition root builds from these bindings (the Stripe client,
 * the mailer, the shop's origin, from their settings), with testDeps' quiet
 * parts (no queue, no alerts sent) and the test's own overrides.
 */
export function depsFor(bindings: Bindings, overrides: Partial<Deps> = {}): AppDeps {
	const built = buildDeps(bindings, { waitUntil: () => {} }, createLogger({ test: true }));
	return Object.assign(built, testDeps(overrides));
}

/** An order as checkout leaves it: pending, with its items and a session. */
export async function insertOrder(fields: Partial<typeof orders.$inferInsert> = {}) {
	const id = crypto.randomUUID();
	const now = Date.now();
	const row = {
		id,
		status: "pending" as OrderStatus,
		amount: 4800,
		currency: "usd",
		...fields,
		// Until Stripe says otherwise, what is charged is the priced items.
		subtotal: fields.subtotal ?? fields.amount ?? 4800,
		itemsKey: "usd|espresso-beans*2@2400",
		resumeToken: `resume-${crypto.randomUUID()}`,
		stripeCheckoutSessionId: uniqueId("cs"),
		checkoutUrl: "https://checkout.stripe.com/c/pay/cs_test",
		checkoutExpiresAt: now + 3600_000,
		createdAt: now,
		updatedAt: now,
		...fields,
	};
	if (row.stripeCheckoutSessionId) sessionOfOrder.set(id, row.stripeCheckoutSessionId);
	await db.batch([
		db.insert(orders).values(row),
		db.insert(orderItems).values({
			orderId: id,
			productId: "espresso-beans",
			name: "Espresso beans, 1 kg",
			unitAmount: 2400,
			quantity: 2,
		}),
		db
			.insert(orderTransitions)
			.values({ orderId: id, fromStatus: null, toStatus: row.status, source: "checkout", at: now }),
	]);
	return row;
}

/** A paid order's e-mail waiting in the outbox, as the single writer commits one. */
export async function pendingEmail(kind = "order_confirmation", locale: "en" | "fr" = "fr") {
	const order = await insertOrder({
		customerEmail: "ada@example.com",
		status: "paid",
		paidAt: Date.now(),
	});
	const id = crypto.randomUUID();
	await db.insert(emails).values({
		id,
		orderId: order.id,
		kind: kind as "order_confirmation",
		to: "ada@example.com",
		locale,
		dedupeKey: `${kind}:${order.id}`,
		createdAt: Date.now(),
	});
	return { order, id };
}

/**
 * A digital product of the test's own (its id unique, so no other test or file
 * changes its stock): `stock` units, null for unlimited.
 */
export async function insertProduct(stock: number | null, unitAmount = 1000): Promise<string> {
	const id = `p-${crypto.randomUUID().slice(0, 12)}`;
	await db
		.insert(products)
		.values({ id, name: `Limited ${id}`, unitAmount, currency: "usd", shippable: false, stock });
	return id;
}

/** What is left of a product (null: unlimited). */
export async function stockOf(id: string): Promise<number | null> {
	const row = await dbq.query.products.findFirst({ where: eq(products.id, id) });
	if (!row) throw new Error(`no product ${id}`);
	return row.stock;
}

export async function getOrder(id: string) {
	const order = await dbq.query.orders.findFirst({ where: eq(orders.id, id) });
	if (!order) throw new Error(`order ${id} not found`);
	return order;
}

export const transitionsOf = (orderId: string) =>
	db
		.select()
		.from(orderTransitions)
		.where(eq(orderTransitions.orderId, orderId))
		.orderBy(orderTransitions.id);

export const ledgerRow = (eventId: string) =>
	dbq.query.webhookEvents.findFirst({ where: eq(webhookEvents.id, eventId) });

export const alertsOf = (orderId: string) =>
	db.select().from(alerts).where(eq(alerts.orderId, orderId));

/**
 * Row counts of every table of the schema, by its SQL name (read from D1 itself, so a table
 * added later is counted too): a rejected request must leave them all as they were.
 */
export async function tableCounts(): Promise<Record<string, number>> {
	const { results } = await env.DB.prepare(
		"select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name != 'd1_migrations' order by name",
	).all<{ name: string }>();
	const counts: Record<string, number> = {};
	for (const { name } of results) {
		counts[name] =
			(await env.DB.prepare(`select count(*) as n from "${name}"`).first<{ n: number }>())?.n ?? 0;
	}
	return counts;
}

/**
 * The D1 binding with the writer's batches failing (a batch that updates an
 * order rejects; the webhook ledger's claim and reads still answer). Simulates
 * D1 failing in the middle of processing.
 */
export function d1FailingWrites(message = "D1_ERROR: simulated write failure"): D1Database {
	return new Proxy(env.DB, {
		get(target, prop, receiver) {
			if (prop === "batch") {
				return (statements: D1PreparedStatement[]) =>
					statements.some((s) => /^\s*update\s+"?orders"?\s/i.test(statementSql(s)))
						? Promise.reject(new Error(message))
						: target.batch(statements);
			}
			const value = Reflect.get(target, prop, receiver);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}

/** workerd keeps a prepared statement's SQL on the object; tests may read it. */
function statementSql(statement: D1PreparedStatement): string {
	const s = statement as unknown as { statement?: string; sql?: string };
	return s.statement ?? s.sql ?? "";
}

const WRITE = /^\s*(insert|update|delete)\b/i;

/**
 * The D1 binding with an outage the test switches on: while `down` is true, or
 * for the writes whose index falls in one of `windows`, every statement that
 * writes (alone or in a batch) rejects with a D1-like error; reads still
 * answer. `refuse(pattern)` makes the next write whose SQL matches fail (a
 * fault at one exact step, e.g. once Stripe has answered). `writesFailed`
 * counts what the outage refused.
 */
export function d1WithOutage() {
	const state = {
		down: false,
		/** Outages by write count: a write whose index falls in [from, to) fails. */
		windows: [] as [number, number][],
		/** Writes to refuse by their SQL, each `times` times (then dropped). */
		targeted: [] as { pattern: RegExp; times: number }[],
		writes: 0,
		writesFailed: 0,
	};
	const failing = (sqlTexts: string[]) => {
		const target = state.targeted.find((t) => sqlTexts.some((text) => t.pattern.test(text)));
		if (target) {
			target.times--;
			if (target.times <= 0) state.targeted = state.targeted.filter((t) => t !== target);
			return true;
		}
		const index = state.writes++;
		return state.down || state.windows.some(([from, to]) => index >= from && index < to);
	};
	const refuse = () => {
		state.writesFailed++;
		return Promise.reject(new Error("D1_ERROR: Network connection lost."));
	};
	const statement = (inner: D1PreparedStatement, sqlText: string): D1PreparedStatement => {
		const proxy = new Proxy(inner, {
			get(target, prop, receiver) {
				if (prop === "bind")
					return (...values: unknown[]) => statement(target.bind(...values), sqlText);
				const value = Reflect.get(target, prop, receiver);
				if (typeof value !== "function") return value;
				if (
					["run", "all", "first", "raw"].includes(String(prop)) &&
					WRITE.test(sqlText) &&
					failing([sqlText])
				)
					return refuse;
				return value.bind(target);
			},
		});
		unwrapped.set(proxy, inner);
		sqlOf.set(inner, sqlText);
		return proxy;
	};
	const binding = new Proxy(env.DB, {
		get(target, prop, receiver) {
			if (prop === "prepare")
				return (sqlText: string) => statement(target.prepare(sqlText), sqlText);
			if (prop === "batch")
				return (statements: D1PreparedStatement[]) => {
					const texts = statements.map((s) => sqlOf.get(unwrap(s)) ?? statementSql(s));
					return texts.some((text) => WRITE.test(text)) &&
						failing(texts.filter((t) => WRITE.test(t)))
						? refuse()
						: target.batch(statements.map(unwrap));
				};
			const value = Reflect.get(target, prop, receiver);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return {
		binding,
		state,
		/** The next `times` writes whose SQL matches `pattern` fail. */
		refuse(pattern: RegExp, times = 1) {
			state.targeted.push({ pattern, times });
		},
	};
}

const unwrapped = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
const sqlOf = new WeakMap<D1PreparedStatement, string>();

/** workerd's batch wants its own statement objects, not proxies of them. */
function unwrap(statement: D1PreparedStatement): D1PreparedStatement {
	return unwrapped.get(statement) ?? statement;
}
