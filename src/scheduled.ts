import { appConfig, stripeConfig } from "./config";
import { createDb } from "./db/client";
import type { Bindings } from "./env";
import { createLogger, describeError } from "./lib/log";
import { createStripe } from "./lib/stripe";
import { createNotifier } from "./services/alerts";
import type { StripeDeps } from "./services/deps";
import { purgeIdempotencyKeys } from "./services/idempotency";
import type { ReconcileReport } from "./services/reconcile";
import { reconcile } from "./services/reconcile";

/** The Cron Trigger: reconcile with Stripe, then drop idempotency keys past their 24 h. */
export async function runScheduled(
	env: Bindings,
	ctx: ExecutionContext,
	scheduledTime: number,
): Promise<ReconcileReport> {
	const log = createLogger({ job: "scheduled", scheduledTime });
	try {
		const deps: StripeDeps = {
			db: createDb(env.DB),
			log,
			now: Date.now,
			notify: createNotifier({
				url: env.ALERT_WEBHOOK_URL,
				log,
				waitUntil: (p) => ctx.waitUntil(p),
			}),
			stripe: createStripe(stripeConfig(env)),
		};
		const report = await reconcile(deps, { graceSeconds: appConfig(env).reconcileGraceSeconds });
		await purgeIdempotencyKeys(deps.db, Date.now());
		return report;
	} catch (err) {
		log.error("scheduled run failed", describeError(err));
		throw err;
	}
}
