import { minorUnitDigits } from "shop-money";
import type { Db } from "../../db/client.ts";
import { rowReader } from "../../db/rows.ts";
import { orderItems, orders } from "../../db/schema.ts";
import { allowedActions, progress } from "../../domain/actions.ts";
import { cardBrandName } from "../../domain/card-brand.ts";
import { totalLines } from "../../domain/order-totals.ts";
import { awaitsSessionReport } from "../../domain/transitions.ts";
import { postalLines } from "../../lib/postal-address.ts";
import { isoTime } from "../../lib/time.ts";

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

export type OrderWithItems = { order: OrderRow; items: OrderItemRow[] };

/** An order, by its id or its Checkout Session's, with its items: one D1 round trip. */
export async function findOrderWithItems(
	db: Db,
	by: { id: string } | { sessionId: string },
): Promise<OrderWithItems | undefined> {
	const [key, value] = "id" in by ? (["id", by.id] as const) : (["session", by.sessionId] as const);
	const [found, items] = await db.$client.batch<Record<string, unknown>>([
		db.$client.prepare(ORDER_BY[key]).bind(value),
		db.$client.prepare(ITEMS_OF[key]).bind(value),
	]);
	const raw = found?.results[0];
	return raw && { order: ORDER.read(raw), items: (items?.results ?? []).map((r) => ITEM.read(r)) };
}

/**
 * The public view of an order (`GET /api/orders/:id`): no Stripe ids, no whole
 * e-mail address or street address: what the shopper needs to recognise it.
 */
export function publicOrder(order: OrderRow, items: OrderItemRow[]) {
	return {
		id: order.id,
		number: orderNumber(order.id),
		status: order.status,
		amount: order.amount,
		currency: order.currency,
		minorUnits: minorUnitDigits(order.currency),
		locale: order.locale,
		subtotal: order.subtotal,
		amountDiscount: order.amountDiscount,
		discountCode: order.discountCode,
		amountShipping: order.amountShipping,
		amountTax: order.amountTax,
		shipping: order.shippingName
			? {
					name: order.shippingName,
					city: order.shippingCity,
					country: order.shippingCountry,
					rateName: order.shippingRateName,
				}
			: null,
		emailHint: emailHint(order.customerEmail),
		payment:
			order.paymentLast4 || order.receiptUrl
				? {
						brand: order.paymentBrand,
						// As people write it ("American Express"), for every reader alike.
						brandName: cardBrandName(order.paymentBrand),
						last4: order.paymentLast4,
						receiptUrl: order.receiptUrl,
					}
				: null,
		fulfillment: fulfillment(order),
		// Paid, but what Stripe's page reported (address, totals, card) has not reached us yet.
		detailsPending: awaitsSessionReport(order),
		// Its totals as every reader shows them (src/domain/order-totals.ts).
		totals: totalLines(order),
		// Where it stands, for the success page's script: it writes no status rule of its own.
		progress: progress(order),
		items: items.map((i) => ({
			productId: i.productId,
			name: i.name,
			unitAmount: i.unitAmount,
			quantity: i.quantity,
		})),
		createdAt: isoTime(order.createdAt),
		updatedAt: isoTime(order.updatedAt),
		paidAt: isoTime(order.paidAt),
		amountRefunded: order.amountRefunded,
		failureCode: order.failureCode,
		failureMessage: order.failureMessage,
	};
}

/**
 * The operator's view (`/admin/orders`): the public view plus Stripe ids and
 * codes, and what may be done with it now (`actions`: the console's buttons).
 */
export function adminOrder(order: OrderRow, items: OrderItemRow[], nowMs: number) {
	return {
		...publicOrder(order, items),
		actions: allowedActions(order, nowMs),
		stripeCheckoutSessionId: order.stripeCheckoutSessionId,
		stripePaymentIntentId: order.stripePaymentIntentId,
		failureCode: order.failureCode,
		customerEmail: order.customerEmail,
		shipping: order.shippingName ? adminShipping(order) : null,
		amountRefunded: order.amountRefunded,
		amountAsked: order.amountAsked,
		// Only while the checkout can still be paid: on a paid order it would say nothing true.
		checkoutExpiresAt:
			order.status === "pending" || order.status === "failed"
				? isoTime(order.checkoutExpiresAt)
				: null,
		reconciledAt: isoTime(order.reconciledAt),
	};
}

/** Where it ships, in full, with the lines as the console shows them (English, as the console is). */
function adminShipping(order: OrderRow) {
	const address = {
		line1: order.shippingLine1,
		line2: order.shippingLine2,
		city: order.shippingCity,
		postalCode: order.shippingPostalCode,
		state: order.shippingState,
		country: order.shippingCountry,
	};
	return {
		name: order.shippingName,
		phone: order.shippingPhone,
		rateName: order.shippingRateName,
		address,
		lines: postalLines(order.shippingName, address, "en"),
	};
}

function fulfillment(order: OrderRow) {
	if (order.fulfilledAt === null) return null;
	return {
		carrier: order.fulfillmentCarrier,
		trackingNumber: order.fulfillmentTrackingNumber,
		trackingUrl: order.fulfillmentTrackingUrl,
		fulfilledAt: isoTime(order.fulfilledAt),
	};
}

/** `c•••@example.com`: enough for the shopper to recognise the address, not enough to harvest it. */
export function emailHint(email: string | null): string | null {
	if (!email) return null;
	const at = email.lastIndexOf("@");
	if (at < 1) return "•••";
	return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/** A short number a shopper can read out: the order id's first eight characters, upper case. */
export function orderNumber(id: string): string {
	return id.replace(/-/g, "").slice(0, 8).toUpperCase();
}
