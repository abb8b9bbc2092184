import { Hono } from "hono";
import { AppError, errorBody } from "../lib/errors.ts";
import { verifyStripeEvent } from "../lib/webhook-signature.ts";
import { handleStripeEvent } from "../services/webhooks/events.ts";
import type { AppEnv } from "./app-env.ts";
import { limitBody } from "./request-guards.ts";

/**
 * Stripe's webhook. The answer is the contract with Stripe: 400 for a bad
 * signature or body (never retried, nothing written), 200 for handled,
 * duplicate and ignored events, 409 while another delivery of the same event
 * holds it, 500 when our processing failed (both retried).
 */
export const webhookRoutes = new Hono<AppEnv>().post("/", limitBody(512 * 1024), async (c) => {
	const secrets = c.var.config.webhookSecrets;
	const payload = await c.req.text();
	const event = await verifyStripeEvent(payload, c.req.header("Stripe-Signature"), secrets).catch(
		(err: unknown) => {
			// One line per refused delivery, to count them; never the body or the header's signatures.
			if (err instanceof AppError)
				c.var.log.warn("webhook rejected", {
					code: err.code,
					reason: err.message,
					bytes: payload.length,
				});
			throw err;
		},
	);
	const log = c.var.log.child({ stripeEventId: event.id, eventType: event.type });
	// A missing or malformed key is a configuration error naming it, not a failed event.
	void c.var.deps.liveMode;
	try {
		const outcome = await handleStripeEvent(c.var.deps, event);
		// A processed event was logged by the writer with its ids; one line per request is enough.
		if (outcome.result !== "processed") {
			log.info("webhook handled", {
				result: outcome.result,
				orderId: outcome.orderId,
				detail: outcome.detail,
			});
		}
		// Another delivery holds the event: not done, so never 2xx (Stripe would stop trying).
		if (outcome.result === "in_progress")
			return c.json(
				errorBody(
					"event_in_progress",
					"This event is being processed by another delivery; Stripe will retry.",
				),
				409,
			);
		return c.json({ received: true, result: outcome.result });
	} catch {
		return c.json(
			errorBody("processing_failed", "The event could not be processed; Stripe will retry."),
			500,
		);
	}
});
