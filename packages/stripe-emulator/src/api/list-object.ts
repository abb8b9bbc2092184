import type { Json, JsonObject } from "../state/json.ts";

/** Stripe's list envelope. */
export function renderList(data: Json[], url: string, hasMore = false): JsonObject {
	return { object: "list", data, has_more: hasMore, url };
}
