import type { JsonObject } from "../state/json.ts";
import type { PriceRecord, ProductRecord, RecurringRecord } from "../state/store.ts";

/** The `product` object, with every field of Stripe's fixture. */
export function renderProduct(product: ProductRecord): JsonObject {
	return {
		id: product.id,
		object: "product",
		active: true,
		created: product.created,
		default_price: null,
		description: product.description,
		images: [...product.images],
		livemode: false,
		marketing_features: [],
		metadata: { ...product.metadata },
		name: product.name,
		package_dimensions: null,
		shippable: null,
		statement_descriptor: null,
		tax_code: product.taxCode,
		tax_details: null,
		type: "service",
		unit_label: null,
		updated: product.created,
		url: null,
	};
}

/** The `price` object (line items, subscription items, `GET /v1/prices/:id`). */
export function renderPrice(price: PriceRecord): JsonObject {
	return {
		id: price.id,
		object: "price",
		// Prices made from price_data are inactive: they cannot be reused.
		active: false,
		billing_scheme: "per_unit",
		created: price.created,
		currency: price.currency,
		custom_unit_amount: null,
		livemode: false,
		lookup_key: null,
		metadata: {},
		nickname: null,
		product: price.productId,
		recurring: price.recurring ? renderRecurring(price.recurring) : null,
		tax_behavior: price.taxBehavior,
		tiers_mode: null,
		transform_quantity: null,
		type: price.recurring ? "recurring" : "one_time",
		unit_amount: price.unitAmount,
		unit_amount_decimal: String(price.unitAmount),
	};
}

function renderRecurring(recurring: RecurringRecord): JsonObject {
	return {
		interval: recurring.interval,
		interval_count: recurring.intervalCount,
		meter: null,
		trial_period_days: null,
		usage_type: "licensed",
	};
}

/** A subscription item's `plan`: the older object for the same recurring price. */
export function renderPlan(price: PriceRecord): JsonObject {
	return {
		id: price.id,
		object: "plan",
		active: false,
		amount: price.unitAmount,
		amount_decimal: String(price.unitAmount),
		billing_scheme: "per_unit",
		created: price.created,
		currency: price.currency,
		interval: price.recurring?.interval ?? "month",
		interval_count: price.recurring?.intervalCount ?? 1,
		livemode: false,
		metadata: {},
		meter: null,
		nickname: null,
		product: price.productId,
		tiers_mode: null,
		transform_usage: null,
		trial_period_days: null,
		usage_type: "licensed",
	};
}
