import { describe, expect, it } from "vitest";
import { formatMoney, minorUnitDigits } from "../../src/lib/money.ts";

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
