import type { JsonObject } from "../state/json.ts";
import type { WebhookEndpointRecord } from "../state/store.ts";

/** The `webhook_endpoint` object; Stripe shows `secret` only in the create answer. */
export function renderWebhookEndpoint(
	endpoint: WebhookEndpointRecord,
	withSecret = false,
): JsonObject {
	const object: JsonObject = {
		id: endpoint.id,
		object: "webhook_endpoint",
		api_version: endpoint.apiVersion,
		application: null,
		created: endpoint.created,
		description: endpoint.description,
		enabled_events: [...endpoint.enabledEvents],
		livemode: false,
		metadata: { ...endpoint.metadata },
		status: endpoint.status,
		url: endpoint.url,
	};
	if (withSecret) object.secret = endpoint.secret;
	return object;
}
