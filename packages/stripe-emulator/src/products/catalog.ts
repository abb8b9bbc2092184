import type { EmulatorContext } from "../state/context.ts";
import type { LineItemRecord, PriceRecord, ProductRecord, SessionRecord } from "../state/store.ts";

/*
 * Checkout's `price_data` (with `product_data`) makes a Product and a Price, as on Stripe:
 * their ids are the line item's `price.id` and `price.product`, and `GET /v1/products/:id`
 * and `GET /v1/prices/:id` answer them. A recurring price is what a subscription bills.
 */

/** The Price a line item's `price_data` describes. */
export function lineItemPrice(item: LineItemRecord): PriceRecord {
	return {
		id: item.priceId,
		created: item.created,
		productId: item.productId,
		currency: item.currency,
		unitAmount: item.unitAmount,
		taxBehavior: item.taxBehavior,
		recurring: item.recurring ?? null,
	};
}

/** The Product a line item's `product_data` describes. */
export function lineItemProduct(item: LineItemRecord): ProductRecord {
	return {
		id: item.productId,
		created: item.created,
		name: item.name,
		description: item.description,
		metadata: { ...item.productMetadata },
		images: [...(item.images ?? [])],
		taxCode: item.taxCode,
	};
}

/** Keeps the Products and Prices a new session's line items made. */
export function recordSessionCatalog(ctx: EmulatorContext, session: SessionRecord): void {
	for (const item of session.lineItems) {
		ctx.state.products.set(item.productId, lineItemProduct(item));
		ctx.state.prices.set(item.priceId, lineItemPrice(item));
	}
}
