import type { SQL } from "drizzle-orm";
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { orderItems, products } from "../../db/schema.ts";
import type { CartLine, PricedLine } from "../../domain/cart.ts";
import { MAX_LIMITED_PER_CLIENT } from "../../domain/product.ts";
import type { StockShortfall } from "../../domain/transitions.ts";
import { AppError, outOfStock } from "../../lib/errors.ts";

/**
 * Stock, as SQL for the batches that change an order (README "Stock").
 * `products.stock` is what new checkouts may still take (null: unlimited). A
 * checkout reserves in the batch that writes its order; each order line keeps
 * in `reserved` what it took, so a release gives back exactly that, once: it
 * runs in the batch that moves the order into `expired` or `canceled`, which
 * the order's version lets happen once only. Money for a released order takes
 * the units again. None of this bumps a product's `updated_at`: that is the
 * operator's edits.
 */

/**
 * The order insert's condition: no product of the cart has a limited stock
 * below what the cart asks for. Evaluated inside the batch, with the
 * reservation that follows it, so two checkouts racing for the last unit
 * cannot both see it free.
 */
export function stockSuffices(lines: readonly CartLine[]): SQL {
	const short = sql.join(
		lines.map((l) => sql`(id = ${l.productId} and stock < ${l.quantity})`),
		sql` or `,
	);
	return sql`not exists (select 1 from products where stock is not null and (${short}))`;
}

/**
 * The order insert's other condition: with this cart, the client's unpaid
 * checkouts hold at most `MAX_LIMITED_PER_CLIENT` units of limited products.
 * Evaluated inside the batch, so one client's racing checkouts cannot pass it
 * together. True when the order keeps no client (the limit is off).
 */
export function clientMayHold(clientKey: string | null, lines: readonly CartLine[]): SQL {
	if (clientKey === null) return sql`1`;
	const wanted = sql.join(
		lines.map(
			(l) =>
				sql`coalesce((select case when stock is null then 0 else ${l.quantity} end from products where id = ${l.productId}), 0)`,
		),
		sql` + `,
	);
	return sql`(${heldBy(clientKey)}) + ${wanted} <= ${MAX_LIMITED_PER_CLIENT}`;
}

/** Units of limited products the client's unpaid checkouts hold now. */
const heldBy = (clientKey: string) =>
	sql`select coalesce(sum(order_items.reserved), 0) from orders
		join order_items on order_items.order_id = orders.id
		where orders.client_key = ${clientKey} and orders.status in ('pending', 'failed')`;

/** Whether the client's unpaid checkouts would go past the limit with these lines. */
export async function overHoldLimit(
	db: Db,
	clientKey: string | null,
	lines: readonly CartLine[],
): Promise<boolean> {
	if (clientKey === null) return false;
	const [row] = await db.all<{ fits: number }>(
		sql`select ${clientMayHold(clientKey, lines)} as fits`,
	);
	return row?.fits === 0;
}

/** 409 `hold_limit`: this client already holds its share of limited products in unpaid checkouts. */
export const holdLimitError = () =>
	new AppError(
		"hold_limit",
		`One shopper may hold at most ${MAX_LIMITED_PER_CLIENT} units of limited products in checkouts not yet paid. Pay for or leave those first: an unpaid checkout gives its units back an hour after it started.`,
	);

/**
 * An order line, written only when its order was (the order insert is
 * conditional), recording what it reserves: its quantity when the product's
 * stock is limited, 0 when unlimited.
 */
export function orderLineInsert(orderId: string, line: PricedLine): SQL {
	return sql`insert into order_items (order_id, product_id, name, unit_amount, quantity, reserved)
		select ${orderId}, ${line.productId}, ${line.name}, ${line.unitAmount}, ${line.quantity},
			coalesce((select case when stock is null then 0 else ${line.quantity} end from products where id = ${line.productId}), 0)
		where exists (select 1 from orders where id = ${orderId})`;
}

/** `stock` moved by each of the order's reserved lines, as `change(stock, reserved)` says. */
function moveReserved(orderId: string, change: SQL, when: SQL): SQL {
	return sql`update products set stock = ${change}
		where stock is not null
			and id in (select product_id from order_items where order_id = ${orderId} and reserved > 0)
			and ${when}`;
}

const reservedOf = (orderId: string) =>
	sql`(select reserved from order_items where order_id = ${orderId} and product_id = products.id)`;

/** The checkout's reservation: never below zero (the order insert checked, the table's CHECK guards). */
export function reserve(orderId: string): SQL {
	return moveReserved(
		orderId,
		sql`stock - ${reservedOf(orderId)}`,
		sql`exists (select 1 from orders where id = ${orderId})`,
	);
}

/** The release of an order that has just become expired or canceled (`applied`: that change was written). */
export function release(orderId: string, applied: SQL): SQL {
	return moveReserved(orderId, sql`stock + ${reservedOf(orderId)}`, applied);
}

/** Money for a released order takes its units again; where too few are left, stock stays at 0. */
export function retake(orderId: string, applied: SQL): SQL {
	return moveReserved(orderId, sql`max(stock - ${reservedOf(orderId)}, 0)`, applied);
}

/** What a released order would take again, and how much of it is left now. */
export async function releasedLines(db: Db, orderId: string) {
	return db
		.select({
			productId: orderItems.productId,
			name: orderItems.name,
			reserved: orderItems.reserved,
			stock: products.stock,
		})
		.from(orderItems)
		.leftJoin(products, eq(products.id, orderItems.productId))
		.where(and(eq(orderItems.orderId, orderId), gt(orderItems.reserved, 0)));
}

/**
 * The lines a released order cannot take again in full, and a condition that
 * the stock read is still the stock: with it the writer's batch applies only
 * to the stock it judged (otherwise it re-reads and judges again).
 */
export function judgeRetake(lines: Awaited<ReturnType<typeof releasedLines>>): {
	shortfalls: StockShortfall[];
	unchanged: SQL | undefined;
} {
	const shortfalls = lines
		.filter((l) => l.stock !== null && l.stock < l.reserved)
		.map((l) => ({ productId: l.productId, name: l.name, wanted: l.reserved, left: l.stock ?? 0 }));
	const unchanged =
		lines.length === 0
			? undefined
			: sql.join(
					lines.map(
						(l) => sql`(select stock from products where id = ${l.productId}) is ${l.stock}`,
					),
					sql` and `,
				);
	return { shortfalls, unchanged };
}

/**
 * Why a checkout's reservation failed: the products asking for more than is
 * left (`credit`: units a replaced order of the same shopper gives back first).
 * Empty when the stock came back meanwhile.
 */
export async function shortProducts(
	db: Db,
	lines: readonly CartLine[],
	credit: ReadonlyMap<string, number> = new Map(),
) {
	if (lines.length === 0) return [];
	const rows = await db
		.select({ id: products.id, name: products.name, stock: products.stock })
		.from(products)
		.where(
			inArray(
				products.id,
				lines.map((l) => l.productId),
			),
		);
	const byId = new Map(rows.map((r) => [r.id, r]));
	return lines.flatMap((line) => {
		const product = byId.get(line.productId);
		if (!product || product.stock === null) return [];
		const left = product.stock + (credit.get(line.productId) ?? 0);
		return left < line.quantity ? [{ productId: product.id, name: product.name, left }] : [];
	});
}

/** 409 `out_of_stock` naming the products, and what is left of each. */
export function outOfStockError(short: { productId: string; name: string; left: number }[]) {
	if (short.length === 0)
		return outOfStock([], "Not enough is left of a product in the cart. Please try again.");
	const what = short
		.map((s) => (s.left > 0 ? `${s.name} (only ${s.left} left)` : `${s.name} (sold out)`))
		.join(", ");
	return outOfStock(
		short.map((s) => s.productId),
		`Not enough left of: ${what}.`,
	);
}
