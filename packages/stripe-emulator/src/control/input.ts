import { StripeApiError } from "../api/errors.ts";

/** A parsed JSON request body of the control API. */
export type ControlInput = Record<string, unknown>;

/** Parses a control API body; empty means `{}`. */
export function parseControlBody(raw: string): ControlInput {
	if (raw.trim() === "") return {};
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		throw badInput("The body must be JSON.");
	}
	if (typeof value !== "object" || value === null || Array.isArray(value)) {
		throw badInput("The body must be a JSON object.");
	}
	return { ...value };
}

/** An optional string field. */
export function inputString(input: ControlInput, key: string): string | undefined {
	const value = input[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== "string") throw badInput(`${key} must be a string.`, key);
	return value;
}

/** An optional number field (numeric strings accepted, as from query strings). */
export function inputNumber(input: ControlInput, key: string): number | undefined {
	const value = input[key];
	if (value === undefined || value === null || value === "") return undefined;
	const number = typeof value === "string" ? Number(value) : value;
	if (typeof number !== "number" || !Number.isFinite(number))
		throw badInput(`${key} must be a number.`, key);
	return number;
}

/** An optional field restricted to a few strings. */
export function inputEnum<T extends string>(
	input: ControlInput,
	key: string,
	allowed: readonly T[],
): T | undefined {
	const value = inputString(input, key);
	if (value === undefined) return undefined;
	const found = allowed.find((item) => item === value);
	if (!found) throw badInput(`${key} must be one of ${allowed.join(", ")}.`, key);
	return found;
}

/** 400 for a control API call with a bad field. */
export function badInput(message: string, param?: string): StripeApiError {
	return new StripeApiError(400, "invalid_request_error", message, { param });
}
