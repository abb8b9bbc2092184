import { appConfig, stripeConfig } from "./config.ts";
import { createDb } from "./db/client.ts";
import type { Bindings } from "./env.ts";
import { createLogger, describeError } from "./lib/log.ts";
import { createStripe } from "./lib/stripe.ts";
import { createNotifier } from "./services/alerts.ts";
import type { StripeDeps } from "./services/deps.ts";
import { purgeIdempotencyKeys } from "./services/idempotency.ts";
import type { ReconcileReport } from "./services/reconcile.ts";
import { reconcile } from "./services/reconcile.ts";

/** The Cron Trigger: reconcile with Stripe, then drop idempotency keys past their 24 h. */
export async function runScheduled(
	env: Bindings,
	ctx: ExecutionContext,
	scheduledTime: number,
): Promise<ReconcileReport> {
	const log = createLogger({ job: "scheduled", scheduledTime });
	try {
		const stripe = stripeConfig(env);
		const deps: StripeDeps = {
			db: createDb(env.DB),
			log,
			now: Date.now,
			notify: createNotifier({
				url: env.ALERT_WEBHOOK_URL,
				log,
				waitUntil: (p) => ctx.waitUntil(p),
			}),
			stripe: createStripe(stripe),
		};
		const report = await reconcile(deps, {
			graceSeconds: appConfig(env).reconcileGraceSeconds,
			liveMode: !stripe.testMode,
		});
		await purgeIdempotencyKeys(deps.db, Date.now());
		return report;
	} catch (err) {
		log.error("scheduled run failed", describeError(err));
		throw err;
	}
}
