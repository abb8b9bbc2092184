import { createDb } from "./db/client";
import type { Bindings } from "./env";
import { createLogger, describeError } from "./lib/log";
import { purgeIdempotencyKeys } from "./services/idempotency";

/** The Cron Trigger: housekeeping (reconciliation is added by the reliability work). */
export async function runScheduled(
	env: Bindings,
	_ctx: ExecutionContext,
	scheduledTime: number,
): Promise<void> {
	const log = createLogger({ job: "scheduled", scheduledTime });
	try {
		const purged = await purgeIdempotencyKeys(createDb(env.DB), Date.now());
		log.info("scheduled run done", { purgedIdempotencyKeys: purged });
	} catch (err) {
		log.error("scheduled run failed", describeError(err));
		throw err;
	}
}
