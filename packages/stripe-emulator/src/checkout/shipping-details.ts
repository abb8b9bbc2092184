import type { AddressRecord, SessionRecord, ShippingDetailsRecord } from "../state/store.ts";

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

/** Checks the shipping step as Stripe's page does: required fields, an allowed country, a phone when asked. */
export function checkShippingInput(session: SessionRecord, input: ShippingInput): ShippingCheck {
	const trimmed = Object.fromEntries(
		Object.entries(input).map(([key, value]) => [key, value.trim()]),
	) as ShippingInput;
	let details: ShippingDetailsRecord | null = null;
	if (session.shippingCountries) {
		const missing = (field: ShippingField, message: string) =>
			({ ok: false, field, message }) as const;
		if (!trimmed.name) return missing("shipping-name", "Your name is required.");
		if (!trimmed.line1) return missing("shipping-line1", "Your address is incomplete.");
		if (!trimmed.city) return missing("shipping-city", "Your city is required.");
		if (!trimmed.postalCode) {
			return missing("shipping-postal-code", "Your postal code is incomplete.");
		}
		const country = trimmed.country.toUpperCase();
		if (!session.shippingCountries.includes(country)) {
			return missing("shipping-country", "We cannot ship to this country.");
		}
		if (STATE_REQUIRED.has(country) && !trimmed.state) {
			return missing("shipping-state", "Your state is required.");
		}
		const address: AddressRecord = {
			line1: trimmed.line1,
			line2: trimmed.line2 || null,
			city: trimmed.city,
			postal_code: trimmed.postalCode,
			state: trimmed.state || null,
			country,
		};
		details = { name: trimmed.name, address };
	}
	if (!session.phoneNumberCollection) return { ok: true, details, phone: null };
	if (!/^\+?[\d\s().-]{6,20}$/.test(trimmed.phone)) {
		return { ok: false, field: "phone", message: "Your phone number is invalid." };
	}
	return { ok: true, details, phone: trimmed.phone };
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
