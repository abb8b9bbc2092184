import type { Json, JsonObject } from "../state/json.ts";
import { invalidParam, resourceMissing } from "./errors.ts";
import {
	optionalInteger,
	optionalObject,
	optionalString,
	type Param,
	type ParamObject,
} from "./params.ts";

/** Stripe's list envelope. */
export function renderList(data: Json[], url: string, hasMore = false): JsonObject {
	return { object: "list", data, has_more: hasMore, url };
}

/** One page of a Stripe list, newest first. */
export type Page<T> = { items: T[]; hasMore: boolean };

/**
 * Applies `limit` (1–100, default 10), `starting_after` and `ending_before` to items already
 * sorted newest first, as Stripe's list endpoints do.
 */
export function paginate<T extends { id: string }>(items: T[], params: ParamObject): Page<T> {
	const limit = optionalInteger(params.limit, "limit") ?? 10;
	if (limit < 1 || limit > 100) {
		throw invalidParam("This value must be between 1 and 100.", "limit");
	}
	const after = optionalString(params.starting_after, "starting_after");
	const before = optionalString(params.ending_before, "ending_before");
	if (before) {
		const index = indexOf(items, before, "ending_before");
		const start = Math.max(0, index - limit);
		return { items: items.slice(start, index), hasMore: start > 0 };
	}
	const start = after ? indexOf(items, after, "starting_after") + 1 : 0;
	return { items: items.slice(start, start + limit), hasMore: start + limit < items.length };
}

function indexOf<T extends { id: string }>(items: T[], id: string, param: string): number {
	const index = items.findIndex((item) => item.id === id);
	if (index === -1) throw resourceMissing("object", id, param);
	return index;
}

/** Stripe's `created` filter: an exact timestamp or any of `gt`, `gte`, `lt`, `lte`. */
export function createdFilter(value: Param | undefined): (created: number) => boolean {
	if (value === undefined || value === "") return () => true;
	if (typeof value === "string") {
		const exact = optionalInteger(value, "created");
		return (created) => created === exact;
	}
	const range = optionalObject(value, "created") ?? {};
	const bound = (key: string) => optionalInteger(range[key], `created[${key}]`);
	const [gt, gte, lt, lte] = [bound("gt"), bound("gte"), bound("lt"), bound("lte")];
	return (created) =>
		(gt === undefined || created > gt) &&
		(gte === undefined || created >= gte) &&
		(lt === undefined || created < lt) &&
		(lte === undefined || created <= lte);
}

/** Records in a map, newest first (maps keep insertion order). */
export function newestFirst<T>(map: Map<string, T>): T[] {
	return [...map.values()].reverse();
}
