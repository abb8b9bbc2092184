import type { AppliedDiscountRecord, SessionRecord, TaxBehavior } from "../state/store.ts";
import { taxOn, taxRateFor, taxWithin } from "../tax/tax-rates.ts";

/** One line's amounts, as `line_items[].amount_*` shows them. */
export type LineTotals = { subtotal: number; discount: number; tax: number; total: number };

/** A session's amounts for the shopper's current choices. */
export type SessionTotals = {
	subtotal: number;
	discount: number;
	shipping: number;
	tax: number;
	total: number;
	lines: LineTotals[];
	/** The chosen shipping rate's amounts; null when the session has no shipping options. */
	shippingCost: { rateId: string; subtotal: number; tax: number; total: number } | null;
	/** The rate applied, in basis points (0 without automatic tax). */
	taxRate: number;
	taxCountry: string | null;
};

/** What the totals depend on beyond the session: a shipping rate or a country not yet stored. */
export type TotalsChoice = { shippingRateId?: string | null; country?: string | null };

/**
 * Subtotal − discount + shipping + tax. The discount applies to line items only (not
 * shipping), split across lines in proportion to their amounts; tax (automatic tax only)
 * is the country's rate on each line after its share of the discount and on shipping,
 * rounded half up per line.
 */
export function sessionTotals(session: SessionRecord, choice: TotalsChoice = {}): SessionTotals {
	const lineAmounts = session.lineItems.map((item) => item.unitAmount * item.quantity);
	const subtotal = lineAmounts.reduce((sum, amount) => sum + amount, 0);
	const discount = discountAmount(session.discount, subtotal);
	const lineDiscounts = allocate(discount, lineAmounts);
	const country =
		choice.country !== undefined
			? choice.country
			: (session.shippingDetails?.address.country ?? null);
	const taxRate = session.automaticTax ? taxRateFor(country) : 0;
	const lines = session.lineItems.map((item, index) => {
		const amount = lineAmounts[index] ?? 0;
		const lineDiscount = lineDiscounts[index] ?? 0;
		return taxed(amount, lineDiscount, item.taxBehavior, taxRate);
	});
	const rateId =
		choice.shippingRateId !== undefined && choice.shippingRateId !== null
			? choice.shippingRateId
			: session.shippingRateId;
	const rate = session.shippingRates.find((candidate) => candidate.id === rateId);
	const shippingLine = rate ? taxed(rate.amount, 0, rate.taxBehavior, taxRate) : null;
	const shippingCost =
		rate && shippingLine
			? { rateId: rate.id, subtotal: rate.amount, tax: shippingLine.tax, total: shippingLine.total }
			: null;
	const tax = lines.reduce((sum, line) => sum + line.tax, 0) + (shippingCost?.tax ?? 0);
	const total = lines.reduce((sum, line) => sum + line.total, 0) + (shippingCost?.total ?? 0);
	return {
		subtotal,
		discount,
		shipping: shippingCost?.subtotal ?? 0,
		tax,
		total,
		lines,
		shippingCost,
		taxRate,
		taxCountry: session.automaticTax ? country : null,
	};
}

/** One line's amounts: its discount taken off, then tax added (exclusive) or found inside (inclusive). */
export function taxed(
	amount: number,
	discount: number,
	behavior: TaxBehavior,
	rate: number,
): LineTotals {
	const taxable = amount - discount;
	if (behavior === "inclusive") {
		return { subtotal: amount, discount, tax: taxWithin(taxable, rate), total: taxable };
	}
	const tax = taxOn(taxable, rate);
	return { subtotal: amount, discount, tax, total: taxable + tax };
}

/** A coupon's discount on a subtotal: a percentage rounded half up, or a fixed amount, never more than the subtotal. */
export function discountAmount(discount: AppliedDiscountRecord | null, subtotal: number): number {
	if (!discount) return 0;
	if (discount.percentOff !== null) {
		return Math.min(subtotal, Math.floor((subtotal * discount.percentOff) / 100 + 0.5 + 1e-9));
	}
	return Math.min(subtotal, discount.amountOff ?? 0);
}

/** Splits `total` in proportion to `weights` (largest remainder), so the parts add up exactly. */
export function allocate(total: number, weights: number[]): number[] {
	const sum = weights.reduce((acc, weight) => acc + weight, 0);
	if (sum === 0 || total === 0) return weights.map(() => 0);
	const exact = weights.map((weight) => (total * weight) / sum);
	const parts = exact.map(Math.floor);
	let left = total - parts.reduce((acc, part) => acc + part, 0);
	const order = exact
		.map((value, index) => ({ index, remainder: value - Math.floor(value) }))
		.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
	for (const { index } of order) {
		if (left <= 0) break;
		parts[index] = (parts[index] ?? 0) + 1;
		left -= 1;
	}
	return parts;
}
