import { isStripeCurrency } from "shop-money";
import * as v from "valibot";
import { RECURRING_INTERVALS } from "./vocabulary.ts";

/**
 * What the operator may write to the catalog (SPEC 11), field by field. A
 * refusal names its field: the admin console shows the message beside it.
 */

export const MAX_UNIT_AMOUNT = 99_999_999;
export const MAX_STOCK = 1_000_000;
/** The storefront says "Only n left" from this many down (public/js/storefront.js says the same). */
export const LOW_STOCK_AT = 10;
/**
 * What one checkout may hold of a limited product, and one client (an IP
 * address, an IPv6 /64) of limited products across its unpaid checkouts at
 * once: nobody holds a whole batch for the hour a session lasts.
 */
export const MAX_LIMITED_PER_CHECKOUT = 10;
export const MAX_LIMITED_PER_CLIENT = 20;

export const id = v.pipe(
	v.string("id must be a string"),
	v.regex(/^[a-z0-9-]{1,64}$/, "id must be 1 to 64 characters: a-z, 0-9 and -"),
);
const name = v.pipe(
	v.string("name must be a string"),
	v.trim(),
	v.minLength(1, "name is required"),
	v.maxLength(200, "name must be at most 200 characters"),
);
const description = v.pipe(
	v.string("description must be a string"),
	v.trim(),
	v.maxLength(2000, "description must be at most 2000 characters"),
);
const unitAmount = v.pipe(
	v.number("unitAmount must be a number of minor units"),
	v.safeInteger("unitAmount must be a whole number of minor units"),
	v.minValue(1, "unitAmount must be at least 1"),
	v.maxValue(MAX_UNIT_AMOUNT, `unitAmount must be at most ${MAX_UNIT_AMOUNT}`),
);
export const currency = v.pipe(
	v.string("currency must be a string"),
	v.toLowerCase(),
	v.check(isStripeCurrency, "currency must be a three-letter code Stripe supports, like usd"),
);
const flag = (field: string) => v.boolean(`${field} must be true or false`);
const stockCount = (field: string) =>
	v.pipe(
		v.number(`${field} must be a whole number`),
		v.safeInteger(`${field} must be a whole number`),
		v.minValue(0, `${field} cannot be below 0`),
		v.maxValue(MAX_STOCK, `${field} must be at most ${MAX_STOCK}`),
	);
/** null (or absent) means unlimited. */
const stock = v.nullable(stockCount("stock"));
const taxCode = v.nullable(
	v.pipe(
		v.string("taxCode must be a string"),
		v.trim(),
		v.transform((s) => s || null),
		v.nullable(v.pipe(v.string(), v.regex(/^txcd_\d{8}$/, "taxCode must look like txcd_99999999"))),
	),
);
/** A product's name and description in one language, each optional. */
const translation = (lang: string) =>
	v.optional(
		v.strictObject(
			{
				name: v.optional(
					v.pipe(
						v.string(`translations.${lang}.name must be a string`),
						v.trim(),
						v.maxLength(200, `translations.${lang}.name must be at most 200 characters`),
					),
				),
				description: v.optional(
					v.pipe(
						v.string(`translations.${lang}.description must be a string`),
						v.trim(),
						v.maxLength(2000, `translations.${lang}.description must be at most 2000 characters`),
					),
				),
			},
			`translations.${lang} takes name and description`,
		),
	);

/**
 * A product's name and description per language (`{"fr": {"name", "description"}}`),
 * each optional: a shopper reading that language sees the default text where the
 * owner left it empty. Kept as canonical JSON (null when empty), so an edit that
 * changes nothing is no change.
 */
export const translationsSchema = v.pipe(
	v.nullable(
		v.strictObject(
			{ en: translation("en"), fr: translation("fr") },
			"translations takes en and fr",
		),
	),
	v.transform((t) => {
		const kept: ProductTranslations = {};
		for (const lang of ["en", "fr"] as const) {
			const name = t?.[lang]?.name || undefined;
			const description = t?.[lang]?.description || undefined;
			if (name || description) kept[lang] = { name, description };
		}
		return Object.keys(kept).length > 0 ? JSON.stringify(kept) : null;
	}),
);

type Translation = { name?: string; description?: string };
export type ProductTranslations = { en?: Translation; fr?: Translation };

/** The stored translations, read back (an unreadable value is none). */
export function translationsOf(stored: string | null): ProductTranslations {
	if (!stored) return {};
	try {
		return JSON.parse(stored) as ProductTranslations;
	} catch {
		return {};
	}
}

/** The stored translations' texts in `locale` (none: an empty object). */
export function translationIn(stored: string | null, locale: string): Translation {
	return translationsOf(stored)[locale as keyof ProductTranslations] ?? {};
}

/** A product's name and description in `locale`, the default text where there is no translation. */
export function productText(
	p: { name: string; description: string; translations: string | null },
	locale: string,
): { name: string; description: string } {
	const own = translationIn(p.translations, locale);
	return { name: own.name || p.name, description: own.description || p.description };
}

/** The stock at or under which the owner is alerted (SPEC 17), or null: never. */
const lowStockThreshold = v.nullable(stockCount("lowStockThreshold"));

/** A plan renews every month or year (SPEC 15); null: sold once. */
const recurringInterval = v.nullable(
	v.picklist(RECURRING_INTERVALS, "recurringInterval must be month, year or null"),
);

export const newProductSchema = v.strictObject(
	{
		id,
		name,
		description: v.optional(description, ""),
		unitAmount,
		currency,
		shippable: v.optional(flag("shippable"), true),
		stock: v.optional(stock, null),
		taxCode: v.optional(taxCode, null),
		active: v.optional(flag("active"), true),
		translations: v.optional(translationsSchema, null),
		lowStockThreshold: v.optional(lowStockThreshold, null),
		recurringInterval: v.optional(recurringInterval, null),
	},
	"unknown field",
);
export type NewProduct = v.InferOutput<typeof newProductSchema>;

export const productPatchSchema = v.strictObject(
	{
		id: v.optional(v.never("id cannot be changed: create a new product")),
		currency: v.optional(
			v.never("currency cannot be changed: create a new product in the other currency"),
		),
		name: v.optional(name),
		description: v.optional(description),
		unitAmount: v.optional(unitAmount),
		shippable: v.optional(flag("shippable")),
		stock: v.optional(stock),
		taxCode: v.optional(taxCode),
		active: v.optional(flag("active")),
		translations: v.optional(translationsSchema),
		lowStockThreshold: v.optional(lowStockThreshold),
		recurringInterval: v.optional(recurringInterval),
	},
	"unknown field",
);
export type ProductPatch = Omit<v.InferOutput<typeof productPatchSchema>, "id" | "currency">;

/** `{"add": n}` (n may be negative: units found broken) or `{"set": n}` (null: unlimited). */
const addStockSchema = v.strictObject(
	{
		add: v.pipe(
			v.number("add must be a whole number"),
			v.safeInteger("add must be a whole number"),
			v.minValue(-MAX_STOCK, `add must be at least -${MAX_STOCK}`),
			v.maxValue(MAX_STOCK, `add must be at most ${MAX_STOCK}`),
			v.check((n) => n !== 0, "add must not be 0"),
		),
	},
	"send add or set, not both",
);
const setStockSchema = v.strictObject(
	{ set: v.nullable(stockCount("set")) },
	"send add or set, not both",
);
export type StockChange = { add: number } | { set: number | null };

/** The stock change a body asks for, or the field and message of what is wrong with it. */
export function parseStockChange(
	body: Record<string, unknown>,
): { ok: true; change: StockChange } | { ok: false; field: string; message: string } {
	const schema = "add" in body ? addStockSchema : "set" in body ? setStockSchema : null;
	if (!schema) return { ok: false, field: "set", message: 'send {"add": n} or {"set": n}' };
	const parsed = v.safeParse(schema, body);
	if (parsed.success) return { ok: true, change: parsed.output };
	const issue = parsed.issues[0];
	return { ok: false, field: issueField(issue) ?? "set", message: issue.message };
}

/** The field a validation issue is about (the first key of its path), if any. */
export function issueField(issue: {
	path?: readonly { key: unknown }[] | undefined;
}): string | undefined {
	const key = issue.path?.[0]?.key;
	return typeof key === "string" ? key : undefined;
}
