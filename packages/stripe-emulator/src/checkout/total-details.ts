import type { JsonObject } from "../state/json.ts";
import type { SessionRecord } from "../state/store.ts";
import { TAX_RATES_BASIS_POINTS } from "../tax/tax-rates.ts";
import { sessionTotals } from "./totals.ts";

/** `total_details.breakdown` (only when expanded): the discount applied and the tax by rate. */
export function renderTotalDetailsBreakdown(session: SessionRecord): JsonObject {
	const totals = sessionTotals(session);
	const discounts = session.discount
		? [
				{
					amount: totals.discount,
					discount: {
						id: `di_${session.id.slice(-24)}`,
						object: "discount",
						checkout_session: session.id,
						customer: null,
						customer_account: null,
						end: null,
						invoice: null,
						invoice_item: null,
						promotion_code: session.discount.promotionCodeId,
						source: { coupon: session.discount.couponId, type: "coupon" },
						start: session.created,
						subscription: null,
						subscription_item: null,
					},
				},
			]
		: [];
	const country = totals.taxCountry;
	const taxes =
		session.automaticTax && country && country in TAX_RATES_BASIS_POINTS
			? [
					{
						amount: totals.tax,
						rate: renderTaxRate(country, totals.taxRate, session.created),
						taxability_reason: totals.taxRate > 0 ? "standard_rated" : "not_collecting",
						taxable_amount:
							totals.subtotal - totals.discount + (totals.shippingCost?.subtotal ?? 0),
					},
				]
			: [];
	return { discounts, taxes };
}

function renderTaxRate(country: string, basisPoints: number, created: number): JsonObject {
	return {
		id: `txr_emulator_${country}`,
		object: "tax_rate",
		active: true,
		country,
		created,
		description: `Emulator rate for ${country}`,
		display_name: country === "US" ? "Sales tax" : "VAT",
		effective_percentage: basisPoints / 100,
		flat_amount: null,
		inclusive: false,
		jurisdiction: country,
		jurisdiction_level: "country",
		livemode: false,
		metadata: {},
		percentage: basisPoints / 100,
		rate_type: "percentage",
		state: null,
		tax_type: country === "US" ? "sales_tax" : "vat",
	};
}
