import type { JsonObject } from "../state/json.ts";
import type { ShippingRateRecord } from "../state/store.ts";

/** The `shipping_rate` object, with every field of Stripe's fixture. */
export function renderShippingRate(rate: ShippingRateRecord): JsonObject {
	const estimate = rate.deliveryEstimate;
	return {
		id: rate.id,
		object: "shipping_rate",
		active: true,
		created: rate.created,
		delivery_estimate: estimate
			? {
					maximum: estimate.maximum ? { ...estimate.maximum } : null,
					minimum: estimate.minimum ? { ...estimate.minimum } : null,
				}
			: null,
		display_name: rate.displayName,
		fixed_amount: { amount: rate.amount, currency: rate.currency },
		livemode: false,
		metadata: { ...rate.metadata },
		tax_behavior: rate.taxBehavior,
		tax_code: rate.taxCode,
		type: "fixed_amount",
	};
}
