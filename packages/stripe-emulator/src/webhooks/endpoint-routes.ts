import { invalidParam, resourceMissing } from "../api/errors.ts";
import { newestFirst, paginate, renderList } from "../api/pagination.ts";
import {
	mergeMetadata,
	metadataParam,
	optionalBoolean,
	optionalString,
	optionalStringArray,
	type ParamObject,
	rejectUnknown,
	requiredString,
} from "../api/params.ts";
import { type ApiRequest, type ApiRoute, pathId } from "../api/types.ts";
import { newId, newWebhookSecret } from "../state/ids.ts";
import type { JsonObject } from "../state/json.ts";
import type { WebhookEndpointRecord } from "../state/store.ts";

function findEndpoint(request: ApiRequest): WebhookEndpointRecord {
	const id = pathId(request);
	const endpoint = request.ctx.state.webhookEndpoints.get(id);
	if (!endpoint) throw resourceMissing("webhook endpoint", id);
	return endpoint;
}

function parseUrl(params: ParamObject, required: boolean): string | undefined {
	const url = required ? requiredString(params.url, "url") : optionalString(params.url, "url");
	if (url !== undefined && (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))) {
		throw invalidParam(
			"Invalid URL: URL must be publicly accessible and use http or https.",
			"url",
			"url_invalid",
		);
	}
	return url;
}

function parseEvents(params: ParamObject, required: boolean): string[] | undefined {
	const events = optionalStringArray(params.enabled_events, "enabled_events");
	if (required && (!events || events.length === 0)) {
		throw invalidParam(
			"Missing required param: enabled_events.",
			"enabled_events",
			"parameter_missing",
		);
	}
	return events;
}

/** `/v1/webhook_endpoints` CRUD; enabled endpoints also receive events, signed with their own secret. */
export const webhookEndpointRoutes: ApiRoute[] = [
	{
		method: "POST",
		pattern: "/v1/webhook_endpoints",
		handler: ({ ctx, params }) => {
			rejectUnknown(params, [
				"url",
				"enabled_events",
				"description",
				"metadata",
				"api_version",
				"expand",
			]);
			const endpoint: WebhookEndpointRecord = {
				id: newId("we"),
				created: ctx.clock.now(),
				url: parseUrl(params, true) ?? "",
				enabledEvents: parseEvents(params, true) ?? [],
				description: optionalString(params.description, "description") ?? null,
				metadata: metadataParam(params.metadata, "metadata"),
				apiVersion: optionalString(params.api_version, "api_version") ?? null,
				secret: newWebhookSecret(),
				status: "enabled",
			};
			ctx.state.webhookEndpoints.set(endpoint.id, endpoint);
			return renderWebhookEndpoint(endpoint, true);
		},
	},
	{
		method: "GET",
		pattern: "/v1/webhook_endpoints",
		handler: ({ ctx, params }) => {
			const page = paginate(newestFirst(ctx.state.webhookEndpoints), params);
			const data = page.items.map((endpoint) => renderWebhookEndpoint(endpoint));
			return renderList(data, "/v1/webhook_endpoints", page.hasMore);
		},
	},
	{
		method: "GET",
		pattern: "/v1/webhook_endpoints/:id",
		handler: (request) => renderWebhookEndpoint(findEndpoint(request)),
	},
	{
		method: "POST",
		pattern: "/v1/webhook_endpoints/:id",
		handler: (request) => {
			const { params } = request;
			rejectUnknown(params, [
				"url",
				"enabled_events",
				"description",
				"metadata",
				"disabled",
				"expand",
			]);
			const endpoint = findEndpoint(request);
			endpoint.url = parseUrl(params, false) ?? endpoint.url;
			endpoint.enabledEvents = parseEvents(params, false) ?? endpoint.enabledEvents;
			endpoint.description =
				optionalString(params.description, "description") ?? endpoint.description;
			endpoint.metadata = mergeMetadata(endpoint.metadata, params.metadata, "metadata");
			const disabled = optionalBoolean(params.disabled, "disabled");
			if (disabled !== undefined) endpoint.status = disabled ? "disabled" : "enabled";
			return renderWebhookEndpoint(endpoint);
		},
	},
	{
		method: "DELETE",
		pattern: "/v1/webhook_endpoints/:id",
		handler: (request) => {
			const endpoint = findEndpoint(request);
			request.ctx.state.webhookEndpoints.delete(endpoint.id);
			return { id: endpoint.id, object: "webhook_endpoint", deleted: true };
		},
	},
];

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
