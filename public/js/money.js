/**
 * Money is an integer amount in minor units plus a lowercase ISO 4217 code
 * (SPEC section 3). The number of minor-unit digits comes from Intl, so
 * 1500 "jpy" is ¥1,500 and 2400 "usd" is $24.00.
 */

const digitsCache = new Map();

/** Minor-unit digits of a currency (2 for usd, 0 for jpy, 3 for kwd). */
export function fractionDigits(currency) {
	const code = String(currency).toUpperCase();
	let digits = digitsCache.get(code);
	if (digits === undefined) {
		digits = new Intl.NumberFormat("en", {
			style: "currency",
			currency: code,
		}).resolvedOptions().maximumFractionDigits;
		digitsCache.set(code, digits);
	}
	return digits;
}

/** Formats minor units for display in the shopper's locale: formatMoney(2400, "usd") → "$24.00". */
export function formatMoney(amount, currency) {
	const code = String(currency).toUpperCase();
	const digits = fractionDigits(code);
	return new Intl.NumberFormat(undefined, {
		style: "currency",
		currency: code,
		minimumFractionDigits: digits,
		maximumFractionDigits: digits,
	}).format(amount / 10 ** digits);
}

/** Upper-case code for labels ("USD"). */
export function currencyLabel(currency) {
	return String(currency).toUpperCase();
}

/**
 * Parses an amount typed in major units ("12.50", "12,5", "1500") into integer
 * minor units of `currency`, without floating-point arithmetic. Returns null
 * when the text is not a positive amount with at most the currency's digits.
 */
export function toMinorUnits(text, currency) {
	const digits = fractionDigits(currency);
	const match = /^(\d{1,12})(?:[.,](\d+))?$/.exec(String(text).trim());
	if (!match) return null;
	const whole = match[1];
	const fraction = match[2] ?? "";
	if (fraction.length > digits) return null;
	const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
	if (!Number.isSafeInteger(minor) || minor <= 0) return null;
	return minor;
}

/** Formats minor units as a plain major-unit number for form fields ("12.50", "1500"). */
export function toMajorString(amount, currency) {
	const digits = fractionDigits(currency);
	return (amount / 10 ** digits).toFixed(digits);
}
