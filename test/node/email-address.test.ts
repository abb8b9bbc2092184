import { describe, expect, it } from "vitest";
import { isSingleAddress } from "../../src/lib/email-address.ts";

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
