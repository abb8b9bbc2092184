import { resourceMissing } from "../api/errors.ts";
import { badInput, inputEnum, inputNumber, inputString } from "../control/input.ts";
import type { ControlRoute } from "../control/types.ts";
import { eventPayload, signatureHeader } from "./post.ts";
import { WEBHOOK_MODES } from "./types.ts";

/** Delivery settings, flushing held events, redelivery and signed payloads. */
export const controlWebhookRoutes: ControlRoute[] = [
	{
		method: "GET",
		pattern: "/_emulator/webhooks",
		handler: ({ ctx }) => ({
			...ctx.webhooks.config(),
			held: ctx.webhooks.heldCount(),
			batch: ctx.webhooks.pendingBatch(),
		}),
	},
	{
		method: "POST",
		pattern: "/_emulator/webhooks",
		handler: ({ ctx, input }) => {
			const change: Parameters<typeof ctx.webhooks.configure>[0] = {};
			// An explicit null (or "") turns forwarding off.
			if ("url" in input) change.url = inputString(input, "url") || null;
			const secret = inputString(input, "secret");
			if (secret !== undefined) change.secret = secret;
			const mode = inputEnum(input, "mode", WEBHOOK_MODES);
			if (mode !== undefined) change.mode = mode;
			const delayMs = inputNumber(input, "delayMs");
			if (delayMs !== undefined) change.delayMs = Math.max(0, delayMs);
			return { ...ctx.webhooks.configure(change), held: ctx.webhooks.heldCount() };
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/webhooks/flush",
		handler: async ({ ctx, input }) => {
			const order = inputEnum(input, "order", ["fifo", "reverse"] as const);
			return { flushed: await ctx.webhooks.flush(order) };
		},
	},
	{
		// The next `count` events delivered together, in another order and/or twice.
		method: "POST",
		pattern: "/_emulator/webhooks/next",
		handler: async ({ ctx, input }) => {
			const count = inputNumber(input, "count");
			if (count === undefined || !Number.isInteger(count) || count < 1) {
				throw badInput("count must be a whole number of events, 1 or more.", "count");
			}
			const order = inputEnum(input, "order", ["fifo", "reverse", "shuffle"] as const) ?? "reverse";
			if (input.duplicate !== undefined && typeof input.duplicate !== "boolean") {
				throw badInput("duplicate must be true or false.", "duplicate");
			}
			const seed = inputNumber(input, "seed");
			await ctx.webhooks.arrangeNext({
				count,
				order,
				duplicate: input.duplicate === true,
				...(seed !== undefined && { seed }),
			});
			return { batch: ctx.webhooks.pendingBatch() };
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/webhooks/drain",
		handler: async ({ ctx }) => {
			await ctx.webhooks.drain();
			return { ok: true };
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/events/:id/deliver",
		handler: async ({ ctx, pathParams }) => {
			const id = pathParams.id ?? "";
			const event = ctx.state.events.get(id);
			if (!event) throw resourceMissing("event", id);
			const deliveries = await ctx.webhooks.deliverNow(event);
			if (deliveries.length === 0) throw badInput("No webhook receiver is configured.");
			return { eventId: id, status: deliveries[0]?.status ?? null, deliveries };
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/signed-event",
		handler: ({ ctx, input }) => {
			const id = inputString(input, "eventId") ?? "";
			const event = ctx.state.events.get(id);
			if (!event) throw resourceMissing("event", id, "eventId");
			const payload = eventPayload(event);
			const secret = inputString(input, "secret") ?? ctx.webhooks.config().secret;
			return { payload, header: signatureHeader(payload, secret) };
		},
	},
];
