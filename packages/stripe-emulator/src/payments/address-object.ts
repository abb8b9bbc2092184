import type { JsonObject } from "../state/json.ts";

/** Stripe's empty address: every field present, all null. */
export function emptyAddress(): JsonObject {
	return { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };
}
