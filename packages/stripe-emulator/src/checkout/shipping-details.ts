import type { AddressRecord, SessionRecord, ShippingDetailsRecord } from "../state/store.ts";
import type { PageLanguage } from "./page-labels.ts";

/** What the shopper typed: the hosted page's fields or the control API's `shipping`. */
export type ShippingInput = {
	name: string;
	line1: string;
	line2: string;
	city: string;
	postalCode: string;
	state: string;
	country: string;
	phone: string;
};

/** The page's ids for the fields a message is about. */
export type ShippingField =
	| "shipping-name"
	| "shipping-line1"
	| "shipping-city"
	| "shipping-postal-code"
	| "shipping-state"
	| "shipping-country"
	| "phone";

export type ShippingCheck =
	| { ok: true; details: ShippingDetailsRecord | null; phone: string | null }
	| { ok: false; field: ShippingField; message: string };

/** Stripe's form asks for a state or province in these countries. */
export const STATE_REQUIRED: ReadonlySet<string> = new Set(["US", "CA", "AU"]);

const MESSAGES = {
	en: {
		name: "Your name is required.",
		line1: "Your address is incomplete.",
		city: "Your city is required.",
		postalCode: "Your postal code is incomplete.",
		country: "We cannot ship to this country.",
		state: "Your state is required.",
		phone: "Your phone number is invalid.",
	},
	fr: {
		name: "Votre nom est obligatoire.",
		line1: "Votre adresse est incomplète.",
		city: "Votre ville est obligatoire.",
		postalCode: "Votre code postal est incomplet.",
		country: "Nous ne livrons pas dans ce pays.",
		state: "Votre État ou province est obligatoire.",
		phone: "Votre numéro de téléphone n'est pas valide.",
	},
} satisfies Record<PageLanguage, Record<string, string>>;

/** Checks the shipping step as Stripe's page does: required fields, an allowed country, a phone when asked. */
export function checkShippingInput(
	session: SessionRecord,
	input: ShippingInput,
	lang: PageLanguage = "en",
): ShippingCheck {
	const address = checkShippingAddress(session, input, lang);
	if (!address.ok) return address;
	const phone = checkPhone(session, input.phone, lang);
	if (!phone.ok) return phone;
	return { ok: true, details: address.details, phone: phone.phone };
}

/** The address part of the shipping step; null details when the session ships nothing. */
export function checkShippingAddress(
	session: SessionRecord,
	input: Omit<ShippingInput, "phone">,
	lang: PageLanguage = "en",
):
	| { ok: true; details: ShippingDetailsRecord | null }
	| { ok: false; field: ShippingField; message: string } {
	if (!session.shippingCountries) return { ok: true, details: null };
	const messages = MESSAGES[lang];
	const trimmed = Object.fromEntries(
		Object.entries(input).map(([key, value]) => [key, value.trim()]),
	) as Omit<ShippingInput, "phone">;
	const missing = (field: ShippingField, message: string) =>
		({ ok: false, field, message }) as const;
	if (!trimmed.name) return missing("shipping-name", messages.name);
	if (!trimmed.line1) return missing("shipping-line1", messages.line1);
	if (!trimmed.city) return missing("shipping-city", messages.city);
	if (!trimmed.postalCode) return missing("shipping-postal-code", messages.postalCode);
	const country = trimmed.country.toUpperCase();
	if (!session.shippingCountries.includes(country)) {
		return missing("shipping-country", messages.country);
	}
	if (STATE_REQUIRED.has(country) && !trimmed.state) {
		return missing("shipping-state", messages.state);
	}
	const address: AddressRecord = {
		line1: trimmed.line1,
		line2: trimmed.line2 || null,
		city: trimmed.city,
		postal_code: trimmed.postalCode,
		state: trimmed.state || null,
		country,
	};
	return { ok: true, details: { name: trimmed.name, address } };
}

// The phone, when the session asks for one (`phone_number_collection`); null otherwise.
function checkPhone(
	session: SessionRecord,
	phone: string,
	lang: PageLanguage,
): { ok: true; phone: string | null } | { ok: false; field: "phone"; message: string } {
	if (!session.phoneNumberCollection) return { ok: true, phone: null };
	const trimmed = phone.trim();
	if (!/^\+?[\d\s().-]{6,20}$/.test(trimmed)) {
		return { ok: false, field: "phone", message: MESSAGES[lang].phone };
	}
	return { ok: true, phone: trimmed };
}

// Plausible addresses for the control API's default, by country.
const TEST_ADDRESSES: Record<string, Omit<ShippingInput, "country" | "phone">> = {
	FR: {
		name: "Jenny Rosen",
		line1: "1 Rue de Rivoli",
		line2: "",
		city: "Paris",
		postalCode: "75001",
		state: "",
	},
	US: {
		name: "Jenny Rosen",
		line1: "354 Oyster Point Blvd",
		line2: "",
		city: "South San Francisco",
		postalCode: "94080",
		state: "CA",
	},
	GB: {
		name: "Jenny Rosen",
		line1: "221B Baker Street",
		line2: "",
		city: "London",
		postalCode: "NW1 6XE",
		state: "",
	},
	DE: {
		name: "Jenny Rosen",
		line1: "Unter den Linden 1",
		line2: "",
		city: "Berlin",
		postalCode: "10117",
		state: "",
	},
	CA: {
		name: "Jenny Rosen",
		line1: "111 Wellington St",
		line2: "",
		city: "Ottawa",
		postalCode: "K1A 0A9",
		state: "ON",
	},
	JP: {
		name: "Jenny Rosen",
		line1: "1-1 Chiyoda",
		line2: "",
		city: "Tokyo",
		postalCode: "100-8111",
		state: "",
	},
	AU: {
		name: "Jenny Rosen",
		line1: "1 Macquarie St",
		line2: "",
		city: "Sydney",
		postalCode: "2000",
		state: "NSW",
	},
};

/**
 * The address the control API pays with when the test gives none: Jenny Rosen in Paris when
 * the session ships to FR, else the first allowed country (a made-up street where we know none).
 */
export function defaultShippingInput(session: SessionRecord): ShippingInput {
	const countries = session.shippingCountries ?? [];
	const country = countries.includes("FR") ? "FR" : (countries[0] ?? "FR");
	const known = TEST_ADDRESSES[country] ?? {
		name: "Jenny Rosen",
		line1: "1 Main Street",
		line2: "",
		city: "Capital",
		postalCode: "10000",
		state: "State",
	};
	return { ...known, country, phone: "+33 1 23 45 67 89" };
}

/** The shipping rate a shopper picked, by position (0 = first) or `shr_…` id; undefined when it is not one of the session's. */
export function findShippingRate(
	session: SessionRecord,
	choice: number | string,
): string | undefined {
	if (typeof choice === "number") return session.shippingRates[choice]?.id;
	return session.shippingRates.find((rate) => rate.id === choice)?.id;
}
