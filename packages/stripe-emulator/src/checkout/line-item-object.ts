import type { JsonObject } from "../state/json.ts";
import type { LineItemRecord, SessionRecord } from "../state/store.ts";
import { type LineTotals, sessionTotals } from "./totals.ts";

/** A session's line items (all, or the page given), with their share of discount and tax. */
export function renderLineItems(
	session: SessionRecord,
	items: LineItemRecord[] = session.lineItems,
): JsonObject[] {
	const totals = sessionTotals(session);
	return items.map((item) => {
		const amount = item.unitAmount * item.quantity;
		const line = totals.lines[session.lineItems.indexOf(item)] ?? {
			subtotal: amount,
			discount: 0,
			tax: 0,
			total: amount,
		};
		return renderLineItem(item, line);
	});
}

/** A Checkout line item (`object: "item"`) with its ad-hoc price, as Stripe builds from `price_data`. */
function renderLineItem(item: LineItemRecord, line: LineTotals): JsonObject {
	return {
		id: item.id,
		object: "item",
		amount_discount: line.discount,
		amount_subtotal: line.subtotal,
		amount_tax: line.tax,
		amount_total: line.total,
		currency: item.currency,
		description: item.name,
		price: {
			id: item.priceId,
			object: "price",
			// Prices made from price_data are inactive: they cannot be reused.
			active: false,
			billing_scheme: "per_unit",
			created: item.created,
			currency: item.currency,
			custom_unit_amount: null,
			livemode: false,
			lookup_key: null,
			metadata: {},
			nickname: null,
			product: item.productId,
			recurring: null,
			tax_behavior: item.taxBehavior,
			tiers_mode: null,
			transform_quantity: null,
			type: "one_time",
			unit_amount: item.unitAmount,
			unit_amount_decimal: String(item.unitAmount),
		},
		quantity: item.quantity,
		metadata: {},
		adjustable_quantity: null,
	};
}
