import { asc, eq, inArray, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { orderItems, orders } from "../db/schema.ts";
import { awaitsSessionReport } from "../domain/transitions.ts";
import { minorUnitDigits } from "../lib/money.ts";
import { postalLines } from "../lib/postal-address.ts";
import { isoTime } from "../lib/time.ts";

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;

const orderWhere = (db: Db, where: SQL) => db.select().from(orders).where(where).limit(1);

export async function findOrder(db: Db, id: string): Promise<OrderRow | undefined> {
	const [order] = await orderWhere(db, eq(orders.id, id));
	return order;
}

export async function findOrderBySession(db: Db, sessionId: string): Promise<OrderRow | undefined> {
	const [order] = await orderWhere(db, eq(orders.stripeCheckoutSessionId, sessionId));
	return order;
}

export async function findOrderByPaymentIntent(
	db: Db,
	paymentIntentId: string,
): Promise<OrderRow | undefined> {
	const [order] = await orderWhere(db, eq(orders.stripePaymentIntentId, paymentIntentId));
	return order;
}

export async function orderItemsOf(db: Db, orderId: string): Promise<OrderItemRow[]> {
	return db
		.select()
		.from(orderItems)
		.where(eq(orderItems.orderId, orderId))
		.orderBy(asc(orderItems.id));
}

export type OrderWithItems = { order: OrderRow; items: OrderItemRow[] };

/** An order, by its id or its Checkout Session's, with its items: one D1 round trip. */
export async function findOrderWithItems(
	db: Db,
	by: { id: string } | { sessionId: string },
): Promise<OrderWithItems | undefined> {
	const where =
		"id" in by ? eq(orders.id, by.id) : eq(orders.stripeCheckoutSessionId, by.sessionId);
	const [found, items] = await db.batch([
		orderWhere(db, where),
		db
			.select()
			.from(orderItems)
			.where(inArray(orderItems.orderId, db.select({ id: orders.id }).from(orders).where(where)))
			.orderBy(asc(orderItems.id)),
	]);
	const order = found[0];
	return order && { order, items };
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
				? { brand: order.paymentBrand, last4: order.paymentLast4, receiptUrl: order.receiptUrl }
				: null,
		fulfillment: fulfillment(order),
		// Paid, but what Stripe's page reported (address, totals, card) has not reached us yet.
		detailsPending: awaitsSessionReport(order),
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

/** The operator's view (`/admin/orders`): the public view plus Stripe ids and codes. */
export function adminOrder(order: OrderRow, items: OrderItemRow[] = []) {
	return {
		...publicOrder(order, items),
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
