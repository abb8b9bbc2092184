/**
 * Money is an integer amount in minor units plus a lowercase ISO 4217 code.
 * How many minor units a currency has is Stripe's rule, which differs from
 * Intl's for some codes (HUF, TWD, ISK…): the API sends it with every product
 * and order as `minorUnits`, and nothing here guesses it. Each function takes
 * `money`, any object with `currency` and `minorUnits` (a product, an order).
 */

/** @typedef {{currency: string, minorUnits: number}} Money */

/** @param {Money} money */
function digitsOf(money) {
	const digits = money?.minorUnits;
	if (!Number.isInteger(digits) || digits < 0 || digits > 4) {
		throw new TypeError(`No minor units for ${money?.currency}: the API must send minorUnits.`);
	}
	return digits;
}

/**
 * Formats minor units for display: formatMoney(2400, {currency: "usd", minorUnits: 2}) → "$24.00".
 * @param {number} amount
 * @param {Money} money
 * @param {string} [locale] the page's language; default: the browser's
 */
export function formatMoney(amount, money, locale) {
	const digits = digitsOf(money);
	const code = String(money.currency).toUpperCase();
	return new Intl.NumberFormat(locale, {
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
 * Parses an amount typed in major units ("12.50", "12,5", "1500", "1,000" or
 * "1 000" with thousands separators; one group of three after a single
 * separator is a fraction only for three-decimal currencies) into integer minor units, without
 * floating-point arithmetic. Returns null when the text is not a positive
 * amount with at most the currency's digits.
 * @param {string} text
 * @param {Money} money
 */
export function toMinorUnits(text, money) {
	const digits = digitsOf(money);
	const compact = String(text)
		.trim()
		.replace(/[\s\u00a0\u202f']/g, "");
	let whole;
	let fraction = "";
	const grouped = /^(\d{1,3}(?:([.,])\d{3})+)(?:(?!\2)[.,](\d+))?$/.exec(compact);
	if (grouped && !(digits === 3 && !grouped[3] && /^\d{1,3}[.,]\d{3}$/.test(compact))) {
		whole = grouped[1].replace(/[.,]/g, "");
		fraction = grouped[3] ?? "";
	} else {
		const plain = /^(\d{1,12})(?:[.,](\d+))?$/.exec(compact);
		if (!plain) return null;
		whole = plain[1];
		fraction = plain[2] ?? "";
	}
	if (fraction.length > digits) return null;
	const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
	if (!Number.isSafeInteger(minor) || minor <= 0) return null;
	return minor;
}

/**
 * Formats minor units as a plain major-unit number for form fields ("12.50", "1500").
 * @param {number} amount
 * @param {Money} money
 */
export function toMajorString(amount, money) {
	const digits = digitsOf(money);
	return (amount / 10 ** digits).toFixed(digits);
}
