/**
 * Money is integer minor units plus a lowercase ISO 4217 code. Stripe's
 * zero-decimal currencies take the amount as is (1500 jpy is ¥1,500); a few
 * have three decimals. Stripe's own lists differ from ISO 4217 for a few codes.
 * https://docs.stripe.com/currencies
 */
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

/** The presentment currencies Stripe charges in (https://docs.stripe.com/currencies), lowercase. */
const STRIPE_CURRENCIES = new Set(
	(
		"aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn " +
		"bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd " +
		"gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak " +
		"lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd " +
		"omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std " +
		"szl thb tjs tnd top try ttd twd tzs uah ugx usd uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw"
	).split(" "),
);

/** Whether Stripe charges in this currency (a lowercase ISO 4217 code). */
export function isStripeCurrency(code: string): boolean {
	return STRIPE_CURRENCIES.has(code);
}

/** Every currency Stripe charges in with its minor-unit digits: what a client reads a new price by. */
export function stripeCurrencyDigits(): Record<string, number> {
	return Object.fromEntries([...STRIPE_CURRENCIES].map((code) => [code, minorUnitDigits(code)]));
}

/** How many minor-unit digits Stripe uses for a currency (`jpy` → 0, `usd` → 2, `kwd` → 3). */
export function minorUnitDigits(currency: string): number {
	const code = currency.toLowerCase();
	if (ZERO_DECIMAL.has(code)) return 0;
	if (THREE_DECIMAL.has(code)) return 3;
	return 2;
}

/** Human-readable amount for messages and alerts: 1500 jpy → "¥1,500", 2400 usd → "$24.00". */
export function formatMoney(amount: number, currency: string, locale = "en-US"): string {
	const digits = minorUnitDigits(currency);
	const value = amount / 10 ** digits;
	try {
		return numberFormat(locale, currency.toUpperCase(), digits).format(value);
	} catch {
		// Intl refuses codes it does not know; still show something readable.
		return `${value.toFixed(digits)} ${currency.toUpperCase()}`;
	}
}

/** Building an Intl formatter costs far more than using one: one per language and currency. */
const formats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, currency: string, digits: number): Intl.NumberFormat {
	const key = `${locale}|${currency}`;
	let format = formats.get(key);
	if (!format) {
		format = new Intl.NumberFormat(locale, {
			style: "currency",
			currency,
			minimumFractionDigits: digits,
			maximumFractionDigits: digits,
		});
		formats.set(key, format);
	}
	return format;
}
