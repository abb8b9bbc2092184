import { invalidParam, missingParam } from "../api/errors.ts";
import {
	metadataParam,
	optionalArray,
	optionalEnumParam,
	optionalObject,
	optionalString,
	type ParamObject,
	rejectUnknown,
	requiredInteger,
	requiredString,
} from "../api/params.ts";
import { newId } from "../state/ids.ts";
import type { ShippingRateRecord } from "../state/store.ts";
import { MAX_AMOUNT, parseCurrency, parseTaxBehavior, parseTaxCode } from "./line-item-params.ts";

type Value = ParamObject[string] | undefined;

// Stripe's Checkout does not ship to these.
const UNSUPPORTED_COUNTRIES = new Set("AS CX CC CU HM IR KP MH FM NF MP PW SY UM VI".split(" "));
const REGIONS = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
const UNITS = ["business_day", "day", "hour", "month", "week"] as const;

/** `shipping_address_collection[allowed_countries][]`: ISO 3166 alpha-2 codes Checkout ships to. */
export function parseShippingCountries(value: Value): string[] | null {
	const hash = optionalObject(value, "shipping_address_collection");
	if (!hash) return null;
	rejectUnknown(hash, ["allowed_countries"], "shipping_address_collection");
	const name = "shipping_address_collection[allowed_countries]";
	const countries = optionalArray(hash.allowed_countries, name);
	if (!countries || countries.length === 0) throw missingParam(name);
	return countries.map((item, index) => {
		const code = requiredString(item, `${name}[${index}]`);
		if (!/^[A-Z]{2}$/.test(code) || UNSUPPORTED_COUNTRIES.has(code) || !REGIONS.of(code)) {
			throw invalidParam(`Invalid ${name}[${index}]: ${code} is not a supported country.`, name);
		}
		return code;
	});
}

/** `shipping_options[]` with `shipping_rate_data` (fixed amounts in the session's currency; up to 5). */
export function parseShippingOptions(
	value: Value,
	currency: string,
	now: number,
): ShippingRateRecord[] {
	const options = optionalArray(value, "shipping_options") ?? [];
	if (options.length > 5) {
		throw invalidParam("You can specify up to 5 shipping options.", "shipping_options");
	}
	return options.map((option, index) =>
		parseShippingOption(option, `shipping_options[${index}]`, currency, now),
	);
}

function parseShippingOption(
	value: Value,
	name: string,
	currency: string,
	now: number,
): ShippingRateRecord {
	const option = optionalObject(value, name) ?? {};
	if (option.shipping_rate !== undefined) {
		throw invalidParam(
			"The emulator only supports shipping options with shipping_rate_data.",
			`${name}[shipping_rate]`,
		);
	}
	rejectUnknown(option, ["shipping_rate_data"], name);
	const prefix = `${name}[shipping_rate_data]`;
	const data = optionalObject(option.shipping_rate_data, prefix);
	if (!data) throw missingParam(prefix);
	rejectUnknown(
		data,
		[
			"type",
			"display_name",
			"fixed_amount",
			"delivery_estimate",
			"metadata",
			"tax_behavior",
			"tax_code",
		],
		prefix,
	);
	const type = optionalString(data.type, `${prefix}[type]`) ?? "fixed_amount";
	if (type !== "fixed_amount") {
		throw invalidParam("Invalid type: must be fixed_amount", `${prefix}[type]`);
	}
	const displayName = requiredString(data.display_name, `${prefix}[display_name]`);
	if (displayName.length > 100) {
		throw invalidParam("display_name can have up to 100 characters.", `${prefix}[display_name]`);
	}
	const fixed = optionalObject(data.fixed_amount, `${prefix}[fixed_amount]`);
	if (!fixed) throw missingParam(`${prefix}[fixed_amount]`);
	rejectUnknown(fixed, ["amount", "currency"], `${prefix}[fixed_amount]`);
	const amount = requiredInteger(fixed.amount, `${prefix}[fixed_amount][amount]`);
	if (amount < 0 || amount > MAX_AMOUNT) {
		throw invalidParam(
			`This value must be between 0 and ${MAX_AMOUNT}.`,
			`${prefix}[fixed_amount][amount]`,
		);
	}
	const rateCurrency = parseCurrency(fixed.currency, `${prefix}[fixed_amount][currency]`);
	if (rateCurrency !== currency) {
		throw invalidParam(
			`The shipping rate's currency (${rateCurrency}) must match the currency of the Checkout Session (${currency}).`,
			`${prefix}[fixed_amount][currency]`,
		);
	}
	return {
		id: newId("shr"),
		created: now,
		displayName,
		amount,
		currency,
		deliveryEstimate: parseDeliveryEstimate(data.delivery_estimate, `${prefix}[delivery_estimate]`),
		metadata: metadataParam(data.metadata, `${prefix}[metadata]`),
		taxBehavior: parseTaxBehavior(data.tax_behavior, `${prefix}[tax_behavior]`),
		taxCode: parseTaxCode(data.tax_code, `${prefix}[tax_code]`),
	};
}

function parseDeliveryEstimate(value: Value, name: string): ShippingRateRecord["deliveryEstimate"] {
	const hash = optionalObject(value, name);
	if (!hash) return null;
	rejectUnknown(hash, ["minimum", "maximum"], name);
	const bound = (key: "minimum" | "maximum") => {
		const part = optionalObject(hash[key], `${name}[${key}]`);
		if (!part) return null;
		rejectUnknown(part, ["unit", "value"], `${name}[${key}]`);
		const unit = optionalEnumParam(part.unit, `${name}[${key}][unit]`, UNITS);
		if (!unit) throw missingParam(`${name}[${key}][unit]`);
		const count = requiredInteger(part.value, `${name}[${key}][value]`);
		if (count < 1) {
			throw invalidParam("This value must be greater than 0.", `${name}[${key}][value]`);
		}
		return { unit, value: count };
	};
	return { minimum: bound("minimum"), maximum: bound("maximum") };
}

/** `phone_number_collection[enabled]`. */
export function parseEnabledFlag(value: Value, name: string): boolean {
	const hash = optionalObject(value, name);
	if (!hash) return false;
	rejectUnknown(hash, ["enabled"], name);
	const enabled = requiredString(hash.enabled, `${name}[enabled]`);
	if (enabled !== "true" && enabled !== "false") {
		throw invalidParam(`Invalid boolean: ${enabled}`, `${name}[enabled]`);
	}
	return enabled === "true";
}
