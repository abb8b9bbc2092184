/**
 * Money is integer minor units plus a lowercase ISO 4217 code. Stripe's
 * zero-decimal currencies take the amount as is (1500 jpy is ¥1,500).
 * https://docs.stripe.com/currencies#zero-decimal
 */
const ZERO_DECIMAL = new Set([
	"bif",
	"clp",
	"djf",
	"gnf",
	"jpy",
	"kmf",
	"krw",
	"mga",
	"pyg",
	"rwf",
	"ugx",
	"vnd",
	"vuv",
	"xaf",
	"xof",
	"xpf",
]);

export function minorUnitDigits(currency: string): number {
	return ZERO_DECIMAL.has(currency.toLowerCase()) ? 0 : 2;
}

/** Human-readable amount for messages and alerts, e.g. `$24.00`, `¥1,500`. */
export function formatMoney(amount: number, currency: string): string {
	const digits = minorUnitDigits(currency);
	return new Intl.NumberFormat("en-US", {
		style: "currency",
		currency: currency.toUpperCase(),
		minimumFractionDigits: digits,
		maximumFractionDigits: digits,
	}).format(amount / 10 ** digits);
}
