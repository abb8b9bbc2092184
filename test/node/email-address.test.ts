import { describe, expect, it } from "vitest";
import { isSingleAddress, senderHeader, senderOf } from "../../src/lib/email-address.ts";

describe("one plain e-mail address", () => {
	it.each(["ada@example.com", "Grace.Hopper+orders@mail.example.co.uk", "o'brien@example.ie"])(
		"accepts %s",
		(text) => expect(isSingleAddress(text)).toBe(true),
	);

	it.each([
		["a header injected after it", "a@example.com\r\nBcc: thief@evil.test"],
		["a line feed alone", "a@example.com\nX: y"],
		["two addresses", "a@example.com,b@example.com"],
		["two addresses with a semicolon", "a@example.com; b@example.com"],
		["a display name", "Ada <ada@example.com>"],
		["a space", "ada lovelace@example.com"],
		["no domain dot", "ada@localhost"],
		["two at signs", "a@b@example.com"],
		["a NUL", "ada@exam\u0000ple.com"],
		["nothing", ""],
		["a 255-character address", `${"a".repeat(243)}@example.com`],
	])("refuses %s", (_, text) => expect(isSingleAddress(text)).toBe(false));
});

describe("the sender of the shop's e-mails", () => {
	it("is the shop's name at EMAIL_FROM's address, whatever name EMAIL_FROM gives", () => {
		expect(senderOf("Maison Kōhī", "Bean & Leaf <orders@kohi.example>")).toEqual({
			name: "Maison Kōhī",
			email: "orders@kohi.example",
		});
		expect(senderOf("Kōhī", "orders@kohi.example")).toEqual({
			name: "Kōhī",
			email: "orders@kohi.example",
		});
	});

	it("quotes the name in the header, and never lets a line break through", () => {
		expect(senderHeader(senderOf('Le "Petit" Café\\', "a@b.example"))).toBe(
			'"Le \\"Petit\\" Café\\\\" <a@b.example>',
		);
		const sender = senderOf("Shop\r\nBcc: x@evil.example", "a@b.example");
		expect(senderHeader(sender)).toBe('"Shop Bcc: x@evil.example" <a@b.example>');
	});
});
