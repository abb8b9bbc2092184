import { resourceMissing } from "../api/errors.ts";
import { createdFilter, paginate, renderList } from "../api/pagination.ts";
import { optionalString, optionalStringArray } from "../api/params.ts";
import { type ApiRoute, pathId } from "../api/types.ts";
import type { JsonObject } from "../state/json.ts";

/** Stripe's `type` filter: exact, or with `*` as a wildcard (`checkout.session.*`). */
export function eventTypeMatches(pattern: string, type: string): boolean {
	if (!pattern.includes("*")) return pattern === type;
	const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*");
	return new RegExp(`^${escaped}$`).test(type);
}

/** `/v1/events` endpoints (newest first, as Stripe lists them). */
export const eventRoutes: ApiRoute[] = [
	{
		method: "GET",
		pattern: "/v1/events/:id",
		handler: (request) => {
			const id = pathId(request);
			const event = request.ctx.state.events.get(id);
			if (!event) throw resourceMissing("event", id);
			return structuredClone(event);
		},
	},
	{
		method: "GET",
		pattern: "/v1/events",
		handler: ({ ctx, params }) => {
			const type = optionalString(params.type, "type");
			const types = optionalStringArray(params.types, "types");
			const inRange = createdFilter(params.created);
			const matching = [...ctx.state.events.values()]
				.reverse()
				.filter((event) => {
					const eventType = String(event.type);
					if (type && !eventTypeMatches(type, eventType)) return false;
					if (types && !types.some((pattern) => eventTypeMatches(pattern, eventType))) return false;
					return inRange(Number(event.created));
				})
				.map((event) => ({ id: String(event.id), event }));
			const page = paginate(matching, params);
			const data: JsonObject[] = page.items.map((item) => structuredClone(item.event));
			return renderList(data, "/v1/events", page.hasMore);
		},
	},
];
