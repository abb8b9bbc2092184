import * as v from "valibot";
import { currency, id, MAX_UNIT_AMOUNT } from "./product.ts";

/**
 * What the operator may write of a shipping rate (SPEC 17, the console's
 * Shipping tab), field by field; a refusal names its field. The same rules as
 * products': an id and a currency are for good (a rate in another currency is
 * another rate), the rest is edited and audited.
 */

const displayName = v.pipe(
	v.string("displayName must be a string"),
	v.trim(),
	v.minLength(1, "displayName is required"),
	v.maxLength(100, "displayName must be at most 100 characters"),
);
const amount = v.pipe(
	v.number("amount must be a number of minor units"),
	v.safeInteger("amount must be a whole number of minor units"),
	v.minValue(0, "amount cannot be below 0"),
	v.maxValue(MAX_UNIT_AMOUNT, `amount must be at most ${MAX_UNIT_AMOUNT}`),
);
const days = (field: string) =>
	v.nullable(
		v.pipe(
			v.number(`${field} must be a whole number of business days`),
			v.safeInteger(`${field} must be a whole number of business days`),
			v.minValue(1, `${field} must be at least 1`),
			v.maxValue(365, `${field} must be at most 365`),
		),
	);
const freeAbove = v.nullable(
	v.pipe(
		v.number("freeAbove must be a number of minor units"),
		v.safeInteger("freeAbove must be a whole number of minor units"),
		v.minValue(1, "freeAbove must be at least 1"),
		v.maxValue(MAX_UNIT_AMOUNT, `freeAbove must be at most ${MAX_UNIT_AMOUNT}`),
	),
);
/** Where it is offered: ISO 3166-1 alpha-2 codes, stored as canonical JSON (sorted, once each); null: everywhere. */
const countries = v.pipe(
	v.nullable(
		v.pipe(
			v.array(
				v.pipe(
					v.string("countries: two-letter country codes, like FR"),
					v.trim(),
					v.toUpperCase(),
					v.regex(/^[A-Z]{2}$/, "countries: two-letter country codes, like FR"),
				),
				"countries must be a list of country codes, or null for every country",
			),
			v.minLength(1, "countries: at least one, or null for every country"),
			v.maxLength(250, "countries: at most 250"),
		),
	),
	v.transform((list) => (list ? JSON.stringify([...new Set(list)].sort()) : null)),
);

/** A rate's countries as stored (null: every country). */
export const countriesOf = (stored: string | null): string[] | null =>
	stored ? (JSON.parse(stored) as string[]) : null;

/** Whether a rate may be offered for a destination (none known: only a rate for every country). */
export const offeredFor = (rate: { countries?: string | null }, country: string | null) => {
	const list = countriesOf(rate.countries ?? null);
	return list === null || (country !== null && list.includes(country));
};

/** The rate's name per language (`{"fr": {"name"}}`), canonical JSON; null: none. */
const rateTranslations = v.pipe(
	v.nullable(
		v.strictObject(
			{
				en: v.optional(
					v.strictObject({ name: v.optional(v.string()) }, "translations.en takes name"),
				),
				fr: v.optional(
					v.strictObject({ name: v.optional(v.string()) }, "translations.fr takes name"),
				),
			},
			"translations takes en and fr",
		),
	),
	v.check(
		(t) => !t || Object.values(t).every((l) => (l?.name ?? "").trim().length <= 100),
		"translations: a name must be at most 100 characters",
	),
	v.transform((t) => {
		const kept: Record<string, { name: string }> = {};
		for (const lang of ["en", "fr"] as const) {
			const name = t?.[lang]?.name?.trim();
			if (name) kept[lang] = { name };
		}
		return Object.keys(kept).length > 0 ? JSON.stringify(kept) : null;
	}),
);
/** Business days the estimate says: the shortest at most the longest (checked on the rate as it would be). */
export const daysInOrder = (r: { minDays?: number | null; maxDays?: number | null }) =>
	r.minDays == null || r.maxDays == null || r.minDays <= r.maxDays;

export const newShippingRateSchema = v.strictObject(
	{
		id,
		displayName,
		translations: v.optional(rateTranslations, null),
		amount,
		currency,
		minDays: v.optional(days("minDays"), null),
		maxDays: v.optional(days("maxDays"), null),
		freeAbove: v.optional(freeAbove, null),
		countries: v.optional(countries, null),
		active: v.optional(v.boolean("active must be true or false"), true),
	},
	"unknown field",
);
export type NewShippingRate = v.InferOutput<typeof newShippingRateSchema>;

export const shippingRatePatchSchema = v.strictObject(
	{
		id: v.optional(v.never("id cannot be changed: create a new rate")),
		currency: v.optional(
			v.never("currency cannot be changed: create a rate in the other currency"),
		),
		displayName: v.optional(displayName),
		translations: v.optional(rateTranslations),
		amount: v.optional(amount),
		minDays: v.optional(days("minDays")),
		maxDays: v.optional(days("maxDays")),
		freeAbove: v.optional(freeAbove),
		countries: v.optional(countries),
		active: v.optional(v.boolean("active must be true or false")),
	},
	"unknown field",
);
export type ShippingRatePatch = Omit<
	v.InferOutput<typeof shippingRatePatchSchema>,
	"id" | "currency"
>;

/** What a rate costs this cart: nothing from its free-shipping threshold on (the cart's subtotal, before discounts). */
export function rateAmount(
	rate: { amount: number; freeAbove?: number | null | undefined },
	subtotal: number,
): number {
	return rate.freeAbove != null && subtotal >= rate.freeAbove ? 0 : rate.amount;
}
