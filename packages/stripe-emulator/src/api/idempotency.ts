import type { JsonObject } from "../state/json.ts";
import type { IdempotencyRecord, State } from "../state/store.ts";
import { StripeApiError } from "./errors.ts";

// Stripe keeps keys at least 24 hours.
const KEY_TTL_SECONDS = 24 * 60 * 60;

/** What to do with a POST carrying an `Idempotency-Key`. */
export type IdempotencyDecision = { kind: "replay"; record: IdempotencyRecord } | { kind: "run" };

/**
 * Replays the stored answer for a reused key, or refuses the key when it is in flight or was
 * first used with another endpoint or other parameters.
 */
export function checkIdempotency(
	state: State,
	key: string,
	method: string,
	path: string,
	params: JsonObject,
	now: number,
): IdempotencyDecision {
	if (key.length > 255) {
		throw new StripeApiError(
			400,
			"invalid_request_error",
			"Idempotency-Key must be at most 255 characters long.",
		);
	}
	if (state.idempotencyInFlight.has(key)) {
		throw new StripeApiError(
			409,
			"idempotency_error",
			`There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
			{ code: "idempotency_key_in_use" },
		);
	}
	const record = state.idempotency.get(key);
	if (!record || record.created + KEY_TTL_SECONDS < now) return { kind: "run" };
	if (record.method !== method || record.path !== path) {
		throw new StripeApiError(
			400,
			"idempotency_error",
			`Keys for idempotent requests can only be used for the same endpoint they were first used for ('${record.method} ${record.path}' vs '${method} ${path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
		);
	}
	if (record.paramsKey !== canonicalJson(params)) {
		throw new StripeApiError(
			400,
			"idempotency_error",
			`Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
		);
	}
	return { kind: "replay", record };
}

/** JSON with sorted keys, so the same params in another order count as the same request. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
	if (typeof value === "object" && value !== null) {
		const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
	}
	return JSON.stringify(value);
}
