import { lineItemPrice } from "../products/catalog.ts";
import { renderPrice } from "../products/product-object.ts";
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
		price: renderPrice(lineItemPrice(item)),
		quantity: item.quantity,
		metadata: {},
		adjustable_quantity: null,
	};
}
