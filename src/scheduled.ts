import { configOf } from "./config.ts";
import { buildDeps } from "./deps.ts";
import type { Bindings } from "./env.ts";
import { loadCatalogues } from "./i18n/catalogues.ts";
import { createLogger, describeError } from "./lib/log.ts";
import { purgeAccountRecords } from "./services/accounts/sessions.ts";
import { alertLowStock } from "./services/catalog/low-stock.ts";
import { deliverEmail, requeueLostEmails, retryDelaySeconds } from "./services/emails/delivery.ts";
import { purgeIdempotencyKeys } from "./services/idempotency.ts";
import type { ReconcileReport } from "./services/orders/reconcile.ts";
import { reconcile } from "./services/orders/reconcile.ts";

/**
 * The Cron Trigger: reconcile with Stripe, send again the e-mails whose enqueue
 * was lost, drop idempotency keys past their 24 h and account sign-in links and
 * sessions a day after they stopped working, and alert on products low in stock.
 */
export async function runScheduled(
	env: Bindings,
	ctx: ExecutionContext,
	scheduledTime: number,
): Promise<ReconcileReport> {
	const log = createLogger({ job: "scheduled", scheduledTime });
	try {
		const deps = buildDeps(env, ctx, log);
		// Each part runs whatever became of the others: a Stripe outage must not stop the e-mails.
		const requeue = requeueLostEmails(deps).then((requeued) => {
			if (requeued > 0) log.warn("lost e-mails enqueued again", { emails: requeued });
		});
		const purge = purgeIdempotencyKeys(deps.db, deps.now());
		const accounts = purgeAccountRecords(deps);
		const lowStock = alertLowStock(deps).then((raised) => {
			if (raised > 0) log.warn("products low in stock", { products: raised });
		});
		const [report, ...others] = await Promise.allSettled([
			reconcile(deps, { graceSeconds: configOf(env).app.reconcileGraceSeconds }),
			requeue,
			purge,
			lowStock,
			accounts,
		]);
		for (const other of others)
			if (other.status === "rejected")
				log.error("scheduled step failed", describeError(other.reason));
		if (report.status === "rejected") throw report.reason;
		return report.value;
	} catch (err) {
		log.error("scheduled run failed", describeError(err));
		throw err;
	}
}

/** An EMAIL_QUEUE message: the outbox row to send. */
export type EmailMessage = { emailId: string };

/**
 * The EMAIL_QUEUE consumer: sends each e-mail, asks the queue to try again
 * later for a temporary failure (with our backoff), acknowledges the rest.
 */
export async function runEmailQueue(
	batch: MessageBatch<EmailMessage>,
	env: Bindings,
	ctx: ExecutionContext,
): Promise<void> {
	const log = createLogger({ job: "email-queue", queue: batch.queue });
	const deps = buildDeps(env, ctx, log);
	// The e-mails are written from the catalogues (static assets), read once per isolate; if they
	// cannot be read, the whole batch is tried again later.
	await loadCatalogues(env.ASSETS);
	for (const message of batch.messages) {
		try {
			const result = await deliverEmail(deps, message.body.emailId, message.attempts);
			if (result.outcome === "retry") message.retry({ delaySeconds: result.delaySeconds });
			else message.ack();
		} catch (err) {
			// D1 itself failed: the row is still pending, the queue tries again.
			log.error("e-mail delivery failed", { emailId: message.body.emailId, ...describeError(err) });
			message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
		}
	}
}
