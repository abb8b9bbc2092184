import { appConfig } from "./config.ts";
import { buildDeps } from "./deps.ts";
import type { Bindings } from "./env.ts";
import { createLogger, describeError } from "./lib/log.ts";
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
		const deps = buildDeps(env, ctx, log);
		const report = await reconcile(deps, { graceSeconds: appConfig(env).reconcileGraceSeconds });
		await purgeIdempotencyKeys(deps.db, deps.now());
		return report;
	} catch (err) {
		log.error("scheduled run failed", describeError(err));
		throw err;
	}
}
