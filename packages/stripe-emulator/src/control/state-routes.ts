import { expireDueSessions } from "../checkout/session-expiry.ts";
import { seedPromotionCodes } from "../discounts/seed.ts";
import { isJsonObject, type JsonObject } from "../state/json.ts";
import { resetState } from "../state/store.ts";
import { eventTypeMatches } from "../webhooks/event-routes.ts";
import { inputNumber, inputString } from "./input.ts";
import type { ControlRoute } from "./types.ts";

function eventMatches(
	event: JsonObject,
	type?: string,
	objectId?: string,
	orderId?: string,
): boolean {
	if (type && !eventTypeMatches(type, String(event.type))) return false;
	const data = isJsonObject(event.data) ? event.data : {};
	const object = isJsonObject(data.object) ? data.object : {};
	if (objectId && object.id !== objectId) return false;
	const metadata = isJsonObject(object.metadata) ? object.metadata : {};
	if (orderId && metadata.order_id !== orderId) return false;
	return true;
}

/** Reset, request log, emitted events, delivery log and the clock. */
export const controlStateRoutes: ControlRoute[] = [
	{
		method: "POST",
		pattern: "/_emulator/reset",
		handler: ({ ctx, faults }) => {
			resetState(ctx.state);
			ctx.clock.reset();
			seedPromotionCodes(ctx.state, ctx.promotionCodeSeeds, ctx.clock.now());
			ctx.webhooks.reset();
			ctx.delayed.clear();
			ctx.billing.afterRetries = ctx.billing.startAfterRetries;
			faults.clear();
			return { ok: true };
		},
	},
	{
		method: "GET",
		pattern: "/_emulator/requests",
		handler: ({ ctx, input }) => {
			const path = inputString(input, "path");
			const method = inputString(input, "method")?.toUpperCase();
			const limit = inputNumber(input, "limit");
			const matching = ctx.state.requests.filter(
				(entry) => (!path || entry.path.includes(path)) && (!method || entry.method === method),
			);
			return { data: limit === undefined ? matching : matching.slice(-limit) };
		},
	},
	{
		method: "GET",
		pattern: "/_emulator/events",
		handler: ({ ctx, input }) => {
			const type = inputString(input, "type");
			const objectId = inputString(input, "object_id");
			const orderId = inputString(input, "order_id");
			const events = [...ctx.state.events.values()];
			return { data: events.filter((event) => eventMatches(event, type, objectId, orderId)) };
		},
	},
	{
		method: "GET",
		pattern: "/_emulator/deliveries",
		handler: ({ ctx, input }) => {
			const eventId = inputString(input, "event_id");
			const deliveries = ctx.webhooks.deliveries();
			return {
				data: eventId ? deliveries.filter((entry) => entry.eventId === eventId) : deliveries,
			};
		},
	},
	{
		method: "GET",
		pattern: "/_emulator/clock",
		handler: ({ ctx }) => ({ now: ctx.clock.now(), offsetSeconds: ctx.clock.offsetSeconds() }),
	},
	{
		method: "POST",
		pattern: "/_emulator/clock/advance",
		handler: ({ ctx, input }) => {
			ctx.clock.advance(inputNumber(input, "seconds") ?? 0);
			const expired = expireDueSessions(ctx);
			return { now: ctx.clock.now(), offsetSeconds: ctx.clock.offsetSeconds(), expired };
		},
	},
];
