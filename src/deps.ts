import type Stripe from "stripe";
import { stripeConfig } from "./config.ts";
import { createDb } from "./db/client.ts";
import type { Bindings } from "./env.ts";
import { describeError, type Logger } from "./lib/log.ts";
import { createStripe } from "./lib/stripe.ts";
import { createNotifier } from "./services/alerts.ts";
import type { StripeDeps } from "./services/deps.ts";

/**
 * The composition root: everything a request, a Cron run or a queue batch
 * needs, built once from the bindings. The Stripe client is made on first use
 * (a route that never calls Stripe never needs its key), and the key's mode is
 * read the same way. Spreading the object makes the client: pass it whole.
 */
export function buildDeps(
	env: Bindings,
	ctx: { waitUntil(promise: Promise<unknown>): void },
	log: Logger,
): StripeDeps {
	let client: Stripe | undefined;
	return {
		db: createDb(env.DB),
		log,
		now: Date.now,
		notify: createNotifier({
			url: env.ALERT_WEBHOOK_URL,
			log,
			waitUntil: (promise) => ctx.waitUntil(promise),
		}),
		enqueueEmails: async (ids) => {
			if (ids.length === 0) return;
			try {
				await env.EMAIL_QUEUE.sendBatch(ids.map((emailId) => ({ body: { emailId } })));
			} catch (err) {
				log.error("e-mails not enqueued (reconciliation will)", {
					emailIds: ids,
					...describeError(err),
				});
			}
		},
		defer: (work) => ctx.waitUntil(work),
		get stripe() {
			client ??= createStripe(stripeConfig(env));
			return client;
		},
		get liveMode() {
			return !stripeConfig(env).testMode;
		},
	};
}
