import type { JsonObject } from "../state/json.ts";

/** The API version stripe-node 23.1.0 pins, stamped on every event. */
export const API_VERSION = "2026-10-28.endive";

/** Which API request caused an event (`event.request`); both null for shopper actions. */
export type RequestSource = { id: string | null; idempotencyKey: string | null };

/** For events the shopper or the clock caused, not an API call. */
export const NO_REQUEST: RequestSource = { id: null, idempotencyKey: null };

type EventInput = {
	id: string;
	type: string;
	created: number;
	object: JsonObject;
	source: RequestSource;
	pendingWebhooks: number;
	previousAttributes?: JsonObject;
};

/** The `event` object, with a snapshot of the object as it was when the event happened. */
export function renderEvent(input: EventInput): JsonObject {
	const data: JsonObject = { object: structuredClone(input.object) };
	if (input.previousAttributes) data.previous_attributes = input.previousAttributes;
	return {
		id: input.id,
		object: "event",
		api_version: API_VERSION,
		created: input.created,
		data,
		livemode: false,
		pending_webhooks: input.pendingWebhooks,
		request: { id: input.source.id, idempotency_key: input.source.idempotencyKey },
		type: input.type,
	};
}
