import type { JsonObject } from "../state/json.ts";
import type { LineItemRecord } from "../state/store.ts";

/** A Checkout line item (`object: "item"`) with its ad-hoc price, as Stripe builds from `price_data`. */
export function renderLineItem(item: LineItemRecord): JsonObject {
	const total = item.unitAmount * item.quantity;
	return {
		id: item.id,
		object: "item",
		amount_discount: 0,
		amount_subtotal: total,
		amount_tax: 0,
		amount_total: total,
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
			tax_behavior: "unspecified",
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
