// Stripe's own lists (docs "Supported currencies"), which differ from ISO 4217 for a few codes.
const ZERO_DECIMAL = new Set([
	"bif",
	"clp",
	"djf",
	"gnf",
	"isk",
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
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

/** How many minor-unit digits Stripe uses for a currency (`jpy` → 0, `usd` → 2, `kwd` → 3). */
export function currencyDecimals(currency: string): number {
	const code = currency.toLowerCase();
	if (ZERO_DECIMAL.has(code)) return 0;
	if (THREE_DECIMAL.has(code)) return 3;
	return 2;
}

/** Formats an amount in minor units for people: 1500 jpy → "¥1,500", 1234 usd → "$12.34". */
export function formatAmount(minorUnits: number, currency: string): string {
	const decimals = currencyDecimals(currency);
	const value = minorUnits / 10 ** decimals;
	try {
		return new Intl.NumberFormat("en-US", {
			style: "currency",
			currency: currency.toUpperCase(),
			minimumFractionDigits: decimals,
			maximumFractionDigits: decimals,
		}).format(value);
	} catch {
		// Intl refuses codes it does not know; still show something readable.
		return `${value.toFixed(decimals)} ${currency.toUpperCase()}`;
	}
}
