/**
 * An order's totals as every reader shows them, in order: the success page,
 * the public and admin JSON (the console draws them), and the e-mails. Which
 * lines appear is decided here once; each reader only puts them in its words.
 * Amounts are minor units of the order's currency; a discount and a refund are
 * positive amounts that readers show as taken off.
 */
export type TotalLine =
	| { kind: "subtotal"; amount: number }
	| { kind: "discount"; amount: number; code: string | null }
	| { kind: "shipping"; amount: number; rateName: string | null }
	/** `included`: tax-inclusive prices, the tax inside the total (never added on top). */
	| { kind: "tax"; amount: number; included: boolean }
	| { kind: "total"; amount: number }
	| { kind: "refunded"; amount: number };

export type TotalsOrder = {
	subtotal: number;
	amountDiscount: number;
	discountCode: string | null;
	amountShipping: number;
	/** Where it ships (null: nothing to ship, or not known yet). */
	shippingName: string | null;
	shippingRateName: string | null;
	amountTax: number;
	amount: number;
	amountRefunded: number;
	/** Where the order stands; with `checkoutCompleted`, whether `amount` is Stripe's (omitted: it is). */
	status?: string;
	checkoutCompleted?: boolean;
};

/** Before any payment is tried, `amount` is the priced items only: Stripe's page adds shipping and tax (a declined try knows what it asked: `amountAsked`). */
const UNPAID = new Set(["pending", "expired", "canceled"]);

export function totalLines(order: TotalsOrder): TotalLine[] {
	const lines: TotalLine[] = [{ kind: "subtotal", amount: order.subtotal }];
	if (order.amountDiscount > 0)
		lines.push({ kind: "discount", amount: order.amountDiscount, code: order.discountCode });
	// A shipped order always shows its shipping, even when it was free.
	if (order.amountShipping > 0 || order.shippingName !== null)
		lines.push({
			kind: "shipping",
			amount: order.amountShipping,
			rateName: order.shippingRateName,
		});
	if (order.amountTax > 0) {
		// With tax-inclusive prices the total is the items, less the discount, plus shipping:
		// the tax is in it, and readers say so ("Including tax") rather than add it again.
		const beforeTax = order.subtotal - order.amountDiscount + order.amountShipping;
		lines.push({ kind: "tax", amount: order.amountTax, included: order.amount === beforeTax });
	}
	// An order total is said once it is what Stripe charges, never the items' price before that.
	const known = order.checkoutCompleted || !UNPAID.has(order.status ?? "paid");
	if (known) lines.push({ kind: "total", amount: order.amount });
	if (order.amountRefunded > 0) lines.push({ kind: "refunded", amount: order.amountRefunded });
	return lines;
}
