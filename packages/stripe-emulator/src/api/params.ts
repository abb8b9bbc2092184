import qs from "qs";
import { invalidParam, missingParam, unknownParam } from "./errors.ts";

/** A decoded form value: `a[b][0]=c` nests as Stripe's API reads it. */
export type Param = string | Param[] | ParamObject;
export type ParamObject = { [key: string]: Param };

/** Parses a form-encoded body or query string the way Stripe reads stripe-node's encoding. */
export function parseForm(text: string): ParamObject {
	// Limits sized for up to 100 line items and long expand lists.
	const parsed: unknown = qs.parse(text, { depth: 10, arrayLimit: 500, parameterLimit: 5000 });
	return toParamObject(parsed);
}

function toParam(value: unknown): Param | undefined {
	if (typeof value === "string") return value;
	if (Array.isArray(value)) {
		return value.map(toParam).filter((item): item is Param => item !== undefined);
	}
	if (typeof value === "object" && value !== null) return toParamObject(value);
	return undefined;
}

function toParamObject(value: unknown): ParamObject {
	const out: ParamObject = {};
	if (typeof value !== "object" || value === null) return out;
	for (const [key, item] of Object.entries(value)) {
		const param = toParam(item);
		if (param !== undefined) out[key] = param;
	}
	return out;
}

/** Stripe rejects parameters it does not know; so do we, to catch typos early. */
export function rejectUnknown(params: ParamObject, allowed: readonly string[], prefix = ""): void {
	for (const key of Object.keys(params)) {
		if (!allowed.includes(key)) throw unknownParam(prefix ? `${prefix}[${key}]` : key);
	}
}

/** A string parameter, or undefined when absent or empty. */
export function optionalString(value: Param | undefined, name: string): string | undefined {
	if (value === undefined || value === "") return undefined;
	if (typeof value !== "string") throw invalidParam(`Invalid string: ${describe(value)}`, name);
	return value;
}

/** A string parameter that must be present. */
export function requiredString(value: Param | undefined, name: string): string {
	const text = optionalString(value, name);
	if (text === undefined) throw missingParam(name);
	return text;
}

/** An integer parameter (Stripe refuses `12.5` and `abc` alike). */
export function optionalInteger(value: Param | undefined, name: string): number | undefined {
	if (value === undefined || value === "") return undefined;
	if (typeof value !== "string" || !/^-?\d+$/.test(value)) {
		throw invalidParam(`Invalid integer: ${describe(value)}`, name, "parameter_invalid_integer");
	}
	const number = Number(value);
	if (!Number.isSafeInteger(number)) {
		throw invalidParam(`Invalid integer: ${value}`, name, "parameter_invalid_integer");
	}
	return number;
}

/** An integer parameter that must be present. */
export function requiredInteger(value: Param | undefined, name: string): number {
	const number = optionalInteger(value, name);
	if (number === undefined) throw missingParam(name);
	return number;
}

/** A boolean parameter, sent by stripe-node as the text `true` or `false`. */
export function optionalBoolean(value: Param | undefined, name: string): boolean | undefined {
	if (value === undefined || value === "") return undefined;
	if (value === "true") return true;
	if (value === "false") return false;
	throw invalidParam(`Invalid boolean: ${describe(value)}`, name);
}

/** A nested hash parameter such as `price_data`. */
export function optionalObject(value: Param | undefined, name: string): ParamObject | undefined {
	if (value === undefined || value === "") return undefined;
	if (typeof value !== "object" || Array.isArray(value)) {
		throw invalidParam(`Invalid object`, name);
	}
	return value;
}

/** An array parameter (`x[0]=…`); a single value counts as a one-item array. */
export function optionalArray(value: Param | undefined, name: string): Param[] | undefined {
	if (value === undefined || value === "") return undefined;
	if (Array.isArray(value)) return value;
	if (typeof value === "string") return [value];
	// qs turns sparse or very long index lists into objects keyed by index.
	const keys = Object.keys(value);
	if (keys.every((key) => /^\d+$/.test(key))) {
		return keys.sort((a, b) => Number(a) - Number(b)).map((key) => value[key] as Param);
	}
	throw invalidParam("Invalid array", name);
}

/** A list of strings such as `expand[]` or `enabled_events[]`. */
export function optionalStringArray(value: Param | undefined, name: string): string[] | undefined {
	const items = optionalArray(value, name);
	return items?.map((item, index) => requiredString(item, `${name}[${index}]`));
}

/** Stripe's metadata rules: up to 50 keys, key ≤ 40 chars, value ≤ 500 chars, empty value = unset. */
export function metadataParam(value: Param | undefined, name: string): Record<string, string> {
	const hash = optionalObject(value, name);
	const out: Record<string, string> = {};
	if (!hash) return out;
	for (const [key, item] of Object.entries(hash)) {
		if (typeof item !== "string") {
			throw invalidParam(
				`Invalid value for metadata key '${key}': must be a string`,
				`${name}[${key}]`,
			);
		}
		if (key.length > 40) {
			throw invalidParam("Metadata keys can have up to 40 characters.", `${name}[${key}]`);
		}
		if (item.length > 500) {
			throw invalidParam("Metadata values can have up to 500 characters.", `${name}[${key}]`);
		}
		if (item !== "") out[key] = item;
	}
	if (Object.keys(out).length > 50) {
		throw invalidParam("Metadata can have up to 50 keys.", name);
	}
	return out;
}

function describe(value: Param): string {
	return typeof value === "string" ? value : JSON.stringify(value);
}

/** Metadata update: given keys replace, keys sent empty are removed, others stay. */
export function mergeMetadata(
	existing: Record<string, string>,
	value: Param | undefined,
	name: string,
): Record<string, string> {
	const hash = optionalObject(value, name);
	if (!hash) return existing;
	const merged = { ...existing, ...metadataParam(value, name) };
	for (const [key, item] of Object.entries(hash)) if (item === "") delete merged[key];
	return merged;
}

/** A decimal number parameter such as `percent_off` (`25.5`). */
export function optionalDecimal(value: Param | undefined, name: string): number | undefined {
	if (value === undefined || value === "") return undefined;
	if (typeof value !== "string" || !/^-?\d+(\.\d+)?$/.test(value)) {
		throw invalidParam(`Invalid decimal: ${describe(value)}`, name);
	}
	return Number(value);
}

/** A string parameter limited to a few values, or undefined when absent. */
export function optionalEnumParam<T extends string>(
	value: Param | undefined,
	name: string,
	allowed: readonly T[],
): T | undefined {
	const text = optionalString(value, name);
	if (text === undefined) return undefined;
	const found = allowed.find((item) => item === text);
	if (!found) throw invalidParam(`Invalid ${name}: must be one of ${allowed.join(", ")}`, name);
	return found;
}
