import { countryName, type Locale } from "../i18n/catalogues.ts";

export type PostalAddress = {
	line1: string | null;
	line2: string | null;
	city: string | null;
	postalCode: string | null;
	state: string | null;
	/** ISO 3166-1 alpha-2. */
	country: string | null;
};

/** Countries that write the town, then the state and postal code ("Austin, TX 78701"). */
const CITY_FIRST = new Set(["US", "CA", "AU", "JP"]);
/** Countries that put the postcode on a line of its own, under the town. */
const POSTCODE_LINE = new Set(["GB", "IE"]);

/**
 * An address as it goes on a parcel, in the reader's language: the name, the
 * street lines, the town as the country writes it, and the country's name.
 * The one way every page, e-mail and the console show an address.
 */
export function postalLines(name: string | null, a: PostalAddress, locale: Locale): string[] {
	const country = a.country?.toUpperCase() ?? null;
	const town = CITY_FIRST.has(country ?? "")
		? [[[a.city, a.state].filter(Boolean).join(", "), a.postalCode].filter(Boolean).join(" ")]
		: POSTCODE_LINE.has(country ?? "")
			? [[a.city, a.state].filter(Boolean).join(", "), a.postalCode]
			: [[[a.postalCode, a.city].filter(Boolean).join(" "), a.state].filter(Boolean).join(", ")];
	const lines = [name, a.line1, a.line2, ...town, countryName(country, locale)];
	return lines.filter((line): line is string => Boolean(line?.trim()));
}
