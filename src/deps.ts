import { type Config, configOf } from "./config.ts";
import { createDb } from "./db/client.ts";
import type { Bindings } from "./env.ts";
import { describeError, type Logger } from "./lib/log.ts";
import { createStripe, type StripeClient } from "./lib/stripe.ts";
import { createNotifier } from "./services/alerts/alerts.ts";
import type { AppDeps } from "./services/deps.ts";
import { createMailer } from "./services/emails/providers.ts";

const stripeClients = new WeakMap<Config, StripeClient>();

/**
 * The composition root: everything a request, a Cron run or a queue batch
 * needs, built from the bindings and their Config (`configOf`: each setting
 * parsed once per isolate). Services get values (the Stripe client, the
 * mailer, the shop's origin), never `env`. The Stripe client is made on first
 * use (a route that never calls Stripe never needs its key) and kept with the
 * Config; the mailer likewise. A setting that is missing or malformed throws
 * its ConfigError where it is first needed. Spreading the object makes the
 * clients: pass it whole.
 */
export function buildDeps(
	env: Bindings,
	ctx: { waitUntil(promise: Promise<unknown>): void },
	log: Logger,
): AppDeps {
	const config = configOf(env);
	return {
		db: createDb(env.DB),
		log,
		now: Date.now,
		notify: createNotifier({
			url: config.alertWebhookUrl,
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
			let client = stripeClients.get(config);
			if (!client) {
				client = createStripe(config.stripe);
				stripeClients.set(config, client);
			}
			return client;
		},
		get liveMode() {
			return !config.stripe.testMode;
		},
		get mailer() {
			return createMailer(config.email, env.EMAIL, log);
		},
		get shopOrigin() {
			return config.app.appUrl?.origin ?? null;
		},
		get shopDefaults() {
			return config.shopDefaults;
		},
		get sessionSecret() {
			return config.accounts?.secret ?? null;
		},
	};
}
