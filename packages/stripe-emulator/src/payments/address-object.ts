import type { JsonObject } from "../state/json.ts";
import type { LooseAddressRecord } from "../state/store.ts";

/** Stripe's empty address: every field present, all null. */
export function emptyAddress(): JsonObject {
	return { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };
}

/** An address in Stripe's field order; the empty address when there is none. */
export function renderAddress(address: LooseAddressRecord | null | undefined): JsonObject {
	if (!address) return emptyAddress();
	return {
		city: address.city,
		country: address.country,
		line1: address.line1,
		line2: address.line2,
		postal_code: address.postal_code,
		state: address.state,
	};
}
