import { describe, expect, it } from "vitest";
import { postalLines } from "../../src/lib/postal-address.ts";

const address = (fields: Partial<Parameters<typeof postalLines>[1]>) => ({
	line1: "1 Main Street",
	line2: null,
	city: null,
	postalCode: null,
	state: null,
	country: null,
	...fields,
});

describe("an address as its country writes it, in the reader's language", () => {
	it.each([
		[
			"France",
			{ city: "Paris", postalCode: "75001", country: "FR" },
			"fr",
			["75001 Paris", "France"],
		],
		[
			"France, read in English",
			{ city: "Paris", postalCode: "75001", country: "FR" },
			"en",
			["75001 Paris", "France"],
		],
		[
			"Germany",
			{ city: "Berlin", postalCode: "10115", country: "DE" },
			"fr",
			["10115 Berlin", "Allemagne"],
		],
		[
			"the US",
			{ city: "Austin", state: "TX", postalCode: "78701", country: "US" },
			"en",
			["Austin, TX 78701", "United States"],
		],
		[
			"the US, read in French",
			{ city: "Austin", state: "TX", postalCode: "78701", country: "US" },
			"fr",
			["Austin, TX 78701", "États-Unis"],
		],
		[
			"Japan",
			{ city: "Chiyoda-ku", state: "Tokyo", postalCode: "100-0001", country: "JP" },
			"en",
			["Chiyoda-ku, Tokyo 100-0001", "Japan"],
		],
		[
			"the UK",
			{ city: "London", postalCode: "SW1A 1AA", country: "GB" },
			"en",
			["London", "SW1A 1AA", "United Kingdom"],
		],
	] as const)("writes %s", (_, fields, locale, tail) => {
		const lines = postalLines("Ada Lovelace", address(fields), locale);
		expect(lines).toEqual(["Ada Lovelace", "1 Main Street", ...tail]);
	});

	it("leaves out what was not given", () => {
		expect(postalLines(null, address({ line1: null, city: "Paris", country: "FR" }), "en")).toEqual(
			["Paris", "France"],
		);
	});
});
