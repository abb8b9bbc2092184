import { invalidParam, missingParam } from "../api/errors.ts";
import {
	metadataParam,
	optionalArray,
	optionalEnumParam,
	optionalInteger,
	optionalObject,
	optionalString,
	optionalStringArray,
	type ParamObject,
	rejectUnknown,
	requiredInteger,
	requiredString,
} from "../api/params.ts";
import { newId } from "../state/ids.ts";
import type { LineItemRecord, RecurringRecord, TaxBehavior } from "../state/store.ts";

/** Stripe's ceiling for an amount in minor units (8 digits). */
export const MAX_AMOUNT = 99_999_999;
const KNOWN_CURRENCIES = new Set(
	Intl.supportedValuesOf("currency").map((code) => code.toLowerCase()),
);

/** A required ISO 4217 currency parameter, lowercased as Stripe answers it. */
export function parseCurrency(value: ParamObject[string] | undefined, name: string): string {
	const currency = requiredString(value, name).toLowerCase();
	if (!KNOWN_CURRENCIES.has(currency)) throw invalidParam(`Invalid currency: ${currency}.`, name);
	return currency;
}

/** `line_items[]` with `price_data`: one currency, 1–100 items, integer amounts. */
export function parseLineItems(
	value: ParamObject[string] | undefined,
	now: number,
): LineItemRecord[] {
	const items = optionalArray(value, "line_items");
	if (!items || items.length === 0) throw missingParam("line_items");
	if (items.length > 100)
		throw invalidParam("A Checkout Session can have at most 100 line items.", "line_items");
	const parsed = items.map((item, index) => parseLineItem(item, `line_items[${index}]`, now));
	const currencies = new Set(parsed.map((item) => item.currency));
	if (currencies.size > 1) {
		throw invalidParam("All line items must use the same currency.", "line_items");
	}
	return parsed;
}

function parseLineItem(value: ParamObject[string], name: string, now: number): LineItemRecord {
	const item = optionalObject(value, name);
	if (!item) throw missingParam(`${name}[price_data]`);
	if (item.price !== undefined) {
		throw invalidParam("The emulator only supports line items with price_data.", `${name}[price]`);
	}
	rejectUnknown(item, ["price_data", "quantity"], name);
	const priceData = optionalObject(item.price_data, `${name}[price_data]`);
	if (!priceData) throw missingParam(`${name}[price_data]`);
	const prefix = `${name}[price_data]`;
	rejectUnknown(
		priceData,
		["currency", "unit_amount", "product_data", "tax_behavior", "recurring"],
		prefix,
	);
	const taxBehavior = parseTaxBehavior(priceData.tax_behavior, `${prefix}[tax_behavior]`);
	const currency = parseCurrency(priceData.currency, `${prefix}[currency]`);
	const unitAmount = requiredInteger(priceData.unit_amount, `${prefix}[unit_amount]`);
	if (unitAmount < 0) {
		throw invalidParam("This value must be greater than or equal to 0.", `${prefix}[unit_amount]`);
	}
	if (unitAmount > MAX_AMOUNT) {
		throw invalidParam(
			`This value must be less than or equal to ${MAX_AMOUNT}.`,
			`${prefix}[unit_amount]`,
		);
	}
	const productData = optionalObject(priceData.product_data, `${prefix}[product_data]`);
	if (!productData) throw missingParam(`${prefix}[product_data]`);
	const productPrefix = `${prefix}[product_data]`;
	rejectUnknown(
		productData,
		["name", "description", "metadata", "images", "tax_code"],
		productPrefix,
	);
	const quantity = requiredInteger(item.quantity, `${name}[quantity]`);
	if (quantity < 1)
		throw invalidParam("This value must be greater than or equal to 1.", `${name}[quantity]`);
	return {
		id: newId("li"),
		priceId: newId("price"),
		productId: newId("prod", 14),
		name: requiredString(productData.name, `${productPrefix}[name]`),
		description: optionalString(productData.description, `${productPrefix}[description]`) ?? null,
		productMetadata: metadataParam(productData.metadata, `${productPrefix}[metadata]`),
		unitAmount,
		quantity,
		currency,
		created: now,
		taxBehavior,
		taxCode: parseTaxCode(productData.tax_code, `${productPrefix}[tax_code]`),
		images: optionalStringArray(productData.images, `${productPrefix}[images]`) ?? [],
		recurring: parseRecurring(priceData.recurring, `${prefix}[recurring]`),
	};
}

// Stripe's longest billing period: three years.
const MAX_INTERVAL_COUNT: Record<RecurringRecord["interval"], number> = {
	day: 1095,
	week: 156,
	month: 36,
	year: 3,
};

/** `price_data[recurring]`: `interval` (day, week, month, year) and `interval_count` (default 1). */
function parseRecurring(
	value: ParamObject[string] | undefined,
	name: string,
): RecurringRecord | null {
	const recurring = optionalObject(value, name);
	if (!recurring) return null;
	rejectUnknown(recurring, ["interval", "interval_count"], name);
	const interval = optionalEnumParam(recurring.interval, `${name}[interval]`, [
		"day",
		"week",
		"month",
		"year",
	] as const);
	if (!interval) throw missingParam(`${name}[interval]`);
	const intervalCount = optionalInteger(recurring.interval_count, `${name}[interval_count]`) ?? 1;
	if (intervalCount < 1 || intervalCount > MAX_INTERVAL_COUNT[interval]) {
		throw invalidParam(
			`The interval_count must be between 1 and ${MAX_INTERVAL_COUNT[interval]} for interval=${interval} (at most three years).`,
			`${name}[interval_count]`,
		);
	}
	return { interval, intervalCount };
}

/** `tax_behavior`: `exclusive`, `inclusive` or `unspecified` (the default). */
export function parseTaxBehavior(
	value: ParamObject[string] | undefined,
	name: string,
): TaxBehavior {
	return (
		optionalEnumParam(value, name, ["exclusive", "inclusive", "unspecified"] as const) ??
		"unspecified"
	);
}

/** A Stripe tax code such as `txcd_99999999`. */
export function parseTaxCode(value: ParamObject[string] | undefined, name: string): string | null {
	const code = optionalString(value, name);
	if (code === undefined) return null;
	if (!/^txcd_\d{8}$/.test(code)) throw invalidParam(`Invalid tax code: ${code}`, name);
	return code;
}
