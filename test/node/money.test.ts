import { formatMoney, minorUnitDigits } from "shop-money";
import { describe, expect, it } from "vitest";
// The module the pages load, run here as the browser runs it.
import * as browser from "../../public/js/money.js";

describe("formatting amounts in minor units", () => {
	it.each([
		[1500, "jpy", "¥1,500"],
		[1234, "usd", "$12.34"],
		[99, "eur", "€0.99"],
		[1500, "krw", "₩1,500"],
		[12345, "kwd", "KWD 12.345"],
	])("%i %s is %s", (amount, currency, expected) => {
		expect(formatMoney(amount, currency).replace(/\u00a0/g, " ")).toBe(expected);
	});

	it("knows Stripe's zero- and three-decimal currencies", () => {
		expect([minorUnitDigits("JPY"), minorUnitDigits("usd"), minorUnitDigits("bhd")]).toEqual([
			0, 2, 3,
		]);
	});
});

describe("the browser's money module takes the minor units from the API", () => {
	/** Every currency whose minor units Stripe sets apart, and two ordinary ones. */
	const SPECIAL = [
		...["bif", "clp", "djf", "gnf", "isk", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx"],
		...["vnd", "vuv", "xaf", "xof", "xpf", "bhd", "jod", "kwd", "omr", "tnd"],
		// Intl gives these 0 digits where Stripe counts 2: guessing would be off by 100×.
		...["huf", "idr", "cop", "pkr", "twd"],
		...["usd", "eur"],
	];

	it.each(SPECIAL)(
		"%s: 12 major units typed are 12 × 10^minorUnits, shown back as 12",
		(currency) => {
			const money = { currency, minorUnits: minorUnitDigits(currency) };
			const minor = 12 * 10 ** money.minorUnits;
			expect(browser.toMinorUnits("12", money)).toBe(minor);
			expect(browser.toMajorString(minor, money)).toBe(
				money.minorUnits ? `12.${"0".repeat(money.minorUnits)}` : "12",
			);
			const shown = browser.formatMoney(minor, money, "en-US").replace(/[^\d.]/g, "");
			expect(Number(shown)).toBe(12);
			expect(shown.split(".")[1]?.length ?? 0).toBe(money.minorUnits);
		},
	);

	it("refunds 1,000 HUF as 100000 minor units (Stripe's two decimals), not 1000", () => {
		const huf = { currency: "huf", minorUnits: minorUnitDigits("huf") };
		expect(huf.minorUnits).toBe(2);
		expect(browser.toMinorUnits("1,000", huf)).toBe(100_000);
		expect(browser.formatMoney(100_000, huf, "en-US").replace(/\u00a0/g, " ")).toBe("HUF 1,000.00");
	});

	it.each([
		["1,000", "jpy", 1000],
		["1 000", "jpy", 1000],
		["1.000.000", "jpy", 1_000_000],
		["1,000", "usd", 100_000],
		["1,000.50", "usd", 100_050],
		["1.000,50", "eur", 100_050],
		["12,5", "eur", 1250],
		["1,000", "kwd", 1000],
	])("reads %s %s as %i minor units", (text, currency, expected) => {
		expect(browser.toMinorUnits(text, { currency, minorUnits: minorUnitDigits(currency) })).toBe(
			expected,
		);
	});

	it.each([["-5"], ["0"], ["12.3456"], ["12.34.5"], ["abc"], [""], ["1,00,0"]])(
		"refuses %j for usd",
		(text) => {
			expect(browser.toMinorUnits(text, { currency: "usd", minorUnits: 2 })).toBeNull();
		},
	);

	it("refuses to format without minor units rather than guess", () => {
		// @ts-expect-error: a caller that forgot the minor units
		expect(() => browser.formatMoney(100, { currency: "huf" })).toThrow(/minorUnits/);
	});
});

describe("money in the page's language", () => {
	const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");
	it.each([
		["en", 2400, "usd", 2, "$24.00"],
		["fr", 2400, "usd", 2, "24,00 $US"],
		["en", 1500, "jpy", 0, "¥1,500"],
		["fr", 1500, "jpy", 0, "1 500 JPY"],
		["en", 1899, "eur", 2, "€18.99"],
		["fr", 1899, "eur", 2, "18,99 €"],
	])(
		"%s: %i %s is %s, on the page and from the worker",
		(locale, amount, currency, minorUnits, expected) => {
			expect(plain(browser.formatMoney(amount, { currency, minorUnits }, locale))).toBe(expected);
			expect(plain(formatMoney(amount, currency, locale))).toBe(expected);
		},
	);
});
