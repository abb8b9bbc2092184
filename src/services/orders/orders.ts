import type { Db } from "../../db/client.ts";
import { rowReader } from "../../db/rows.ts";
import { orderItems, orders } from "../../db/schema.ts";

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;

const ORDER = rowReader(orders);
const ITEM = rowReader(orderItems);

/** The order whose `column` is `value` (a unique key): one statement, written once. */
const ORDER_BY = {
	id: `select ${ORDER.columns} from orders where id = ? limit 1`,
	session: `select ${ORDER.columns} from orders where stripe_checkout_session_id = ? limit 1`,
	paymentIntent: `select ${ORDER.columns} from orders where stripe_payment_intent_id = ? limit 1`,
};
const ITEMS_OF = {
	id: `select ${ITEM.columns} from order_items where order_id = ? order by id`,
	session: `select ${ITEM.columns} from order_items
		where order_id = (select id from orders where stripe_checkout_session_id = ?) order by id`,
};
/** An order's download links (SPEC 17), with each line's name as the order holds it. */
const DOWNLOADS = `select d.token, oi.name, d.expires_at, d.used
	from downloads d join order_items oi on oi.id = d.order_item_id`;
/** Its current links: not those the console replaced. */
const DOWNLOADS_OF = {
	id: `${DOWNLOADS} where d.order_id = ? and d.replaced_at is null order by oi.id`,
	session: `${DOWNLOADS} where d.order_id =
		(select id from orders where stripe_checkout_session_id = ?) and d.replaced_at is null
		order by oi.id`,
};

export type DownloadRow = { token: string; name: string; expiresAt: number; used: number };

const readDownload = (r: Record<string, unknown>): DownloadRow => ({
	token: String(r.token),
	name: String(r.name),
	expiresAt: Number(r.expires_at),
	used: Number(r.used),
});

/** An order's download links, by line. */
export async function downloadsOf(db: Db, orderId: string): Promise<DownloadRow[]> {
	const { results } = await db.$client
		.prepare(DOWNLOADS_OF.id)
		.bind(orderId)
		.all<Record<string, unknown>>();
	return results.map(readDownload);
}

async function orderBy(db: Db, sql: string, value: string): Promise<OrderRow | undefined> {
	const raw = await db.$client.prepare(sql).bind(value).first<Record<string, unknown>>();
	return raw ? ORDER.read(raw) : undefined;
}

export function findOrder(db: Db, id: string): Promise<OrderRow | undefined> {
	return orderBy(db, ORDER_BY.id, id);
}

export function findOrderBySession(db: Db, sessionId: string): Promise<OrderRow | undefined> {
	return orderBy(db, ORDER_BY.session, sessionId);
}

export function findOrderByPaymentIntent(
	db: Db,
	paymentIntentId: string,
): Promise<OrderRow | undefined> {
	return orderBy(db, ORDER_BY.paymentIntent, paymentIntentId);
}

/** The statement reading one order by id, for a caller's own batch; `readOrder` reads its row. */
export const orderByIdStatement = (db: Db, id: string) => db.$client.prepare(ORDER_BY.id).bind(id);
export const readOrder = (raw: Record<string, unknown>): OrderRow => ORDER.read(raw);

export async function orderItemsOf(db: Db, orderId: string): Promise<OrderItemRow[]> {
	const { results } = await db.$client
		.prepare(ITEMS_OF.id)
		.bind(orderId)
		.all<Record<string, unknown>>();
	return results.map((raw) => ITEM.read(raw));
}

export type OrderWithItems = { order: OrderRow; items: OrderItemRow[]; downloads: DownloadRow[] };

/** An order, by its id or its Checkout Session's, with its items and links: one D1 round trip. */
/** How far `latestOrderOf` follows an order's replacements (a cart resumed another way each time). */
const MAX_REPLACEMENTS = 10;

/**
 * The order that holds a cart now: the one named, or the newest of the orders
 * that took its cart over (`replaced_by`, set when a resume superseded it).
 */
export async function latestOrderOf(db: Db, found: OrderWithItems): Promise<OrderWithItems> {
	let current = found;
	for (let hop = 0; hop < MAX_REPLACEMENTS && current.order.replacedBy; hop++) {
		const next = await findOrderWithItems(db, { id: current.order.replacedBy });
		if (!next) break;
		current = next;
	}
	return current;
}

export async function findOrderWithItems(
	db: Db,
	by: { id: string } | { sessionId: string },
): Promise<OrderWithItems | undefined> {
	const [key, value] = "id" in by ? (["id", by.id] as const) : (["session", by.sessionId] as const);
	const [found, items, links] = await db.$client.batch<Record<string, unknown>>([
		db.$client.prepare(ORDER_BY[key]).bind(value),
		db.$client.prepare(ITEMS_OF[key]).bind(value),
		db.$client.prepare(DOWNLOADS_OF[key]).bind(value),
	]);
	const raw = found?.results[0];
	return (
		raw && {
			order: ORDER.read(raw),
			items: (items?.results ?? []).map((r) => ITEM.read(r)),
			downloads: (links?.results ?? []).map(readDownload),
		}
	);
}
