import { minorUnitDigits } from "shop-money";
import { allowedActions, progress } from "../../domain/actions.ts";
import { cardBrandName } from "../../domain/card-brand.ts";
import { totalLines } from "../../domain/order-totals.ts";
import { awaitsSessionReport } from "../../domain/transitions.ts";
import { postalLines } from "../../lib/postal-address.ts";
import { isoTime } from "../../lib/time.ts";
import type { OrderItemRow, OrderRow } from "./orders.ts";

/**
 * The one view of an order every reader draws from: the shopper's JSON and
 * success page (`publicOrder`), the console and the e-mails (`adminOrder`):
 * its lines and totals, address, payment, status, where it stands and what
 * may be done with it now. No reader recomputes any of it.
 */

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
		// A subscription's box (SPEC 15): the subscription and the paid invoice that made it.
		subscriptionId: order.subscriptionId,
		invoiceId: order.invoiceId,
	};
}

/** The order's shipping address as its row holds it, for `postalLines`. */
export function shippingAddressOf(order: OrderRow) {
	return {
		line1: order.shippingLine1,
		line2: order.shippingLine2,
		city: order.shippingCity,
		postalCode: order.shippingPostalCode,
		state: order.shippingState,
		country: order.shippingCountry,
	};
}

/** Where it ships, in full, with the lines as the console shows them (English, as the console is). */
function adminShipping(order: OrderRow) {
	const address = shippingAddressOf(order);
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
