import type { SQL } from "drizzle-orm";
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
	customers,
	orderItems,
	orderNotes,
	orders,
	orderTransitions,
	products,
	refundRequests,
} from "../../db/schema.ts";
import { allowedActions } from "../../domain/actions.ts";
import { factFromSession } from "../../domain/stripe-facts.ts";
import type { OrderStatus } from "../../domain/vocabulary.ts";
import { AppError, orderNotFound } from "../../lib/errors.ts";
import { isoTime } from "../../lib/time.ts";
import type { StripeDeps } from "../deps.ts";
import { applyFact } from "../orders/apply-fact.ts";
import { downloadView } from "../orders/delivery.ts";
import type { OrderItemRow, OrderRow } from "../orders/orders.ts";
import { downloadsOf, findOrder, orderItemsOf } from "../orders/orders.ts";
import { retrieveSession, syncOrder } from "../orders/sync.ts";
import { adminOrder } from "../orders/view.ts";
import { refundsOf, restockOf } from "../payments/refund-records.ts";
import { noSession, orderNotShippable, stripeCallFailed } from "./errors.ts";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** A position in the newest-first list of orders: keyset pagination, stable under inserts. */
export type OrderCursor = { createdAt: number; id: string };

/** Opaque to clients: base64url of `createdAt:id`. */
export function encodeCursor(cursor: OrderCursor): string {
	return btoa(`${cursor.createdAt}:${cursor.id}`)
		.replaceAll("+", "-")
		.replaceAll("/", "_")
		.replace(/=+$/, "");
}

/** The cursor, or null when `raw` is not one we issued. */
export function decodeCursor(raw: string): OrderCursor | null {
	if (!/^[A-Za-z0-9_-]{4,256}$/.test(raw)) return null;
	let text: string;
	try {
		text = atob(raw.replaceAll("-", "+").replaceAll("_", "/"));
	} catch {
		return null;
	}
	const match = /^(\d{1,15}):([\x21-\x7e]{1,64})$/.exec(text);
	if (!match?.[1] || !match[2]) return null;
	return { createdAt: Number(match[1]), id: match[2] };
}

export type OrderFilters = {
	status?: OrderStatus | undefined;
	/** An exact customer e-mail (any case), order id or number, Checkout Session id or PaymentIntent id. */
	q?: string | undefined;
	/** Created at or after (epoch ms). */
	createdFrom?: number;
	/** Created before (epoch ms). */
	createdBefore?: number;
};

export type OrderListQuery = OrderFilters & { limit: number; cursor?: OrderCursor };

/** The list's filters, and where a page starts: newest first, keyset. */
export function listCondition(filters: OrderFilters, cursor?: OrderCursor): SQL | undefined {
	const { status, q, createdFrom, createdBefore } = filters;
	// `created_at <= ?` lets SQLite walk orders_created_idx / orders_status_created_idx from the cursor on.
	const after = cursor
		? and(
				lte(orders.createdAt, cursor.createdAt),
				or(lt(orders.createdAt, cursor.createdAt), lt(orders.id, cursor.id)),
			)
		: undefined;
	return and(
		status ? eq(orders.status, status) : undefined,
		q ? searchCondition(q) : undefined,
		createdFrom !== undefined ? gte(orders.createdAt, createdFrom) : undefined,
		createdBefore !== undefined ? lt(orders.createdAt, createdBefore) : undefined,
		after,
	);
}

/** What `q` names, by its form: each key has its own index, so a search reads only what it finds. */
function searchCondition(q: string): SQL {
	const term = q.trim();
	if (term.startsWith("cs_")) return eq(orders.stripeCheckoutSessionId, term) as SQL;
	if (term.startsWith("pi_")) return eq(orders.stripePaymentIntentId, term) as SQL;
	if (term.includes("@")) return sql`lower(${orders.customerEmail}) = ${term.toLowerCase()}`;
	// The order number (`orderNumber`): the id's first 8 characters, a range of the primary key.
	if (/^[0-9a-f]{8}$/i.test(term)) {
		const prefix = term.toLowerCase();
		return sql`${orders.id} >= ${`${prefix}-`} and ${orders.id} < ${`${prefix}.`}`;
	}
	return eq(orders.id, term.toLowerCase()) as SQL;
}

/** One page of orders, newest first, with the cursor of the next page (null on the last). */
export async function listOrders(db: Db, query: OrderListQuery, nowMs: number) {
	const { limit, cursor } = query;
	const rows = await db
		.select()
		.from(orders)
		.where(listCondition(query, cursor))
		.orderBy(desc(orders.createdAt), desc(orders.id))
		.limit(limit + 1);
	const page = rows.slice(0, limit);
	const items = await itemsOf(
		db,
		page.map((o) => o.id),
	);
	const last = page.at(-1);
	return {
		orders: page.map((o) => adminOrder(o, items.get(o.id) ?? [], nowMs)),
		nextCursor:
			rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
	};
}

/** One query for a page's items: at most MAX_PAGE_SIZE ids, within D1's 100 bound parameters. */
export async function itemsOf(db: Db, orderIds: string[]): Promise<Map<string, OrderItemRow[]>> {
	const byOrder = new Map<string, OrderItemRow[]>();
	if (orderIds.length === 0) return byOrder;
	const rows = await db
		.select()
		.from(orderItems)
		.where(inArray(orderItems.orderId, orderIds))
		.orderBy(asc(orderItems.id));
	for (const row of rows) byOrder.set(row.orderId, [...(byOrder.get(row.orderId) ?? []), row]);
	return byOrder;
}

/**
 * Orders by id with their items, in the order asked: two D1 round trips
 * whatever their number. Throws 404 `order_not_found` naming the ids not found.
 */
export async function ordersWithItems(db: Db, ids: string[]) {
	const rows = await db.select().from(orders).where(inArray(orders.id, ids));
	const missing = ids.filter((id) => !rows.some((o) => o.id === id));
	if (missing.length > 0)
		throw new AppError("order_not_found", `No such order: ${missing.join(", ")}.`, {
			orderIds: missing,
		});
	const items = await itemsOf(db, ids);
	const byId = new Map(rows.map((o) => [o.id, o]));
	return ids.map((id) => ({ order: byId.get(id) as OrderRow, items: items.get(id) ?? [] }));
}

/** The operator's view of one order with its items and status history. Throws 404 `order_not_found`. */
export async function orderDetail(db: Db, orderId: string, nowMs: number) {
	const order = await findOrder(db, orderId);
	if (!order) throw orderNotFound();
	const [items, transitions, refunds, notes, restocked, links, customer] = await Promise.all([
		orderItemsOf(db, order.id),
		db
			.select()
			.from(orderTransitions)
			.where(eq(orderTransitions.orderId, order.id))
			.orderBy(asc(orderTransitions.id)),
		refundsOf(db, order.id),
		db
			.select()
			.from(orderNotes)
			.where(eq(orderNotes.orderId, order.id))
			.orderBy(asc(orderNotes.id)),
		// What a refund may still put back: each limited product's units, less earlier restocks.
		db
			.select({ restock: refundRequests.restock })
			.from(refundRequests)
			.where(and(eq(refundRequests.orderId, order.id), isNotNull(refundRequests.restock))),
		downloadsOf(db, order.id),
		// The signed-in customer who placed it (SPEC 14), when one did.
		order.customerId
			? db
					.select({
						id: customers.id,
						email: customers.email,
						stripeCustomerId: customers.stripeCustomerId,
						createdAt: customers.createdAt,
					})
					.from(customers)
					.where(eq(customers.id, order.customerId))
					.then((rows) => rows[0] ?? null)
			: null,
	]);
	const itemProducts = await db
		.select({ id: products.id, stock: products.stock, file: products.file })
		.from(products)
		.where(inArray(products.id, [...new Set(items.map((i) => i.productId)), ""]));
	const limited = new Set(itemProducts.filter((p) => p.stock !== null).map((p) => p.id));
	const delivering = order.status === "paid" || order.status === "fulfilled";
	return {
		...adminOrder(order, items, nowMs),
		customer: customer && { ...customer, createdAt: isoTime(customer.createdAt) },
		transitions: transitions.map((t) => ({
			from: t.fromStatus,
			to: t.toStatus,
			source: t.source,
			stripeEventId: t.stripeEventId,
			at: isoTime(t.at),
		})),
		refunds,
		// The operator's private notes, oldest first (the console shows them in the history).
		notes: notes.map(noteView),
		// What a refund may put back in stock: limited products only (an unlimited one stays so).
		restockable: restockable(items, restocked, limited),
		// Its download links while they work (SPEC 17: never once refunded), and whether new ones
		// can be issued (a line with a file, paid).
		// Paths of this shop (the console is on it): a copied link is whole.
		downloads: delivering ? links.map((link) => downloadView(link, "", nowMs)) : [],
		canIssueDownloads: delivering && itemProducts.some((p) => p.file !== null),
	};
}

function restockable(
	items: OrderItemRow[],
	earlier: { restock: string | null }[],
	limited: Set<string>,
): { productId: string; max: number }[] {
	const left = new Map<string, number>();
	for (const i of items)
		if (limited.has(i.productId)) left.set(i.productId, (left.get(i.productId) ?? 0) + i.quantity);
	for (const e of earlier)
		for (const r of restockOf(e.restock))
			if (left.has(r.productId)) left.set(r.productId, (left.get(r.productId) ?? 0) - r.quantity);
	return [...left].filter(([, max]) => max > 0).map(([productId, max]) => ({ productId, max }));
}

const noteView = (n: typeof orderNotes.$inferSelect) => ({
	id: n.id,
	text: n.text,
	by: n.createdBy,
	at: isoTime(n.createdAt),
});

/** `POST /admin/orders/:id/notes`: a private note on the order, kept in its history. Throws 404. */
export async function addOrderNote(
	db: Db,
	orderId: string,
	text: string,
	actor: string,
	nowMs: number,
) {
	// Written only if the order exists: one statement, no read first.
	const note = await db.$client
		.prepare(
			"insert into order_notes (order_id, text, created_by, created_at) select id, ?, ?, ? from orders where id = ? returning id, text, created_by, created_at",
		)
		.bind(text, actor, nowMs, orderId)
		.first<{ id: number; text: string; created_by: string; created_at: number }>();
	if (!note) throw orderNotFound();
	return { id: note.id, text: note.text, by: note.created_by, at: isoTime(note.created_at) };
}

/**
 * Syncs one order from its Checkout Session now, whatever the success page's
 * throttle says, through the single writer. Throws 404, 409 `no_session`, or
 * a Stripe failure (502 / 409 `stripe_rejected`); answers the order after.
 */
export async function forceSync(deps: StripeDeps, orderId: string) {
	const order = await findOrder(deps.db, orderId);
	if (!order) throw orderNotFound();
	const { session, log } = await sessionOf(deps, order, "admin sync");
	const result = await syncOrder(deps, order, "admin", session);
	log.info("admin sync", {
		outcome: result?.outcome ?? "nothing new",
		from: order.status,
		to: result && result.outcome !== "not_found" ? result.status : order.status,
	});
	return orderDetail(deps.db, order.id, deps.now());
}

export type Shipment = {
	carrier: string | null;
	trackingNumber: string | null;
	trackingUrl: string | null;
};

/**
 * Marks a paid order shipped (`fulfilled`, source `admin`) with its carrier and
 * tracking. Repeating it answers the order as it is; any other status is 409
 * `order_not_paid`. Throws 404 for an unknown order.
 */
export async function fulfillOrder(deps: StripeDeps, orderId: string, shipment: Shipment) {
	let order = await findOrder(deps.db, orderId);
	if (!order) throw orderNotFound();
	if (order.status === "fulfilled") return orderDetail(deps.db, order.id, deps.now());
	const actions = allowedActions(order, deps.now());
	if (!actions.fulfill) throw orderNotShippable(order.status);
	// Shipping an order whose payment did not match honours that payment: accepted first, at what
	// Stripe charged (a human has looked, as its alert asked).
	if (actions.heldPayment) {
		order = await acceptPayment(deps, order);
		const accepted = allowedActions(order, deps.now());
		if (!accepted.fulfill || accepted.heldPayment) throw orderNotShippable(order.status);
	}
	const result = await applyFact(
		deps,
		order,
		{ kind: "fulfilled", created: Math.floor(deps.now() / 1000), ...shipment },
		{ source: "admin" },
	);
	// Refunded (or shipped by another click) between our read and our write.
	if (result.outcome !== "not_found" && result.status !== "fulfilled")
		throw orderNotShippable(result.status);
	return orderDetail(deps.db, order.id, deps.now());
}

/** The payment of a mismatched order, as its session reports it, applied as paid by the operator's decision. */
async function acceptPayment(deps: StripeDeps, order: OrderRow): Promise<OrderRow> {
	const { session, log } = await sessionOf(deps, order, "admin accept payment");
	const fact = factFromSession(session);
	if (fact?.kind !== "paid") throw orderNotShippable(order.status);
	await applyFact(deps, order.id, { ...fact, accepted: true }, { source: "admin" });
	log.info("admin accepted a payment that did not match its order");
	return (await findOrder(deps.db, order.id)) ?? order;
}

/** The order's Checkout Session, asked of Stripe for an operator's action. Throws 409 `no_session`, or a Stripe failure. */
async function sessionOf(deps: StripeDeps, order: OrderRow, what: string) {
	const sessionId = order.stripeCheckoutSessionId;
	if (!allowedActions(order, deps.now()).sync || !sessionId) throw noSession();
	const log = deps.log.child({ orderId: order.id, sessionId });
	try {
		return { session: await retrieveSession(deps.stripe, sessionId), log };
	} catch (err) {
		throw stripeCallFailed(log, what, err);
	}
}
