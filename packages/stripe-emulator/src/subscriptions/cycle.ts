import { invalidState } from "../api/errors.ts";
import type { EmulatorContext } from "../state/context.ts";
import { newId } from "../state/ids.ts";
import type { InvoiceRecord, SubscriptionRecord } from "../state/store.ts";
import { NO_REQUEST } from "../webhooks/event-object.ts";
import {
	attemptInvoicePayment,
	billingPaymentMethod,
	cancelSubscription,
	changeSubscription,
	createInvoice,
	cycleLines,
	finalizeInvoice,
	MAX_PAYMENT_ATTEMPTS,
	openInvoices,
} from "./billing.ts";
import { periodBoundary } from "./periods.ts";

/*
 * The clock of one subscription, as a Stripe test clock would move it: `advance` goes to the
 * end of the current period and bills the next one; `retry` makes the next automatic retry
 * of an open invoice now.
 */

/** What an advance or a retry did. */
export type CycleResult = {
	/**
	 * `paid`: the invoice was paid; `failed`: its payment was declined; `ended`: the
	 * subscription ended at the period's end (no invoice); `not_attempted`: an `unpaid`
	 * subscription's renewal invoice, left open without an attempt, as Stripe does.
	 */
	outcome: "paid" | "failed" | "ended" | "not_attempted";
	error: { code: string; declineCode: string | null; message: string } | null;
	invoice: InvoiceRecord | null;
};

/**
 * Moves a subscription to the end of its current period. One set to end then
 * (`cancel_at_period_end`, or `cancel_at` by then) ends: `customer.subscription.deleted`.
 * Otherwise the next period starts (`customer.subscription.updated`) and its invoice
 * (`subscription_cycle`) is made, finalized and paid with the subscription's card (else its
 * Customer's default); a decline makes an active subscription `past_due`.
 */
export function advanceSubscription(ctx: EmulatorContext, sub: SubscriptionRecord): CycleResult {
	if (sub.status === "canceled" || sub.status === "incomplete_expired") {
		throw invalidState(`Subscription ${sub.id} has ended: there is no next period.`);
	}
	if (sub.status === "incomplete") {
		throw invalidState(`Subscription ${sub.id} is incomplete: its first invoice is not paid.`);
	}
	const end = sub.currentPeriodEnd;
	sub.clockTime = Math.max(sub.clockTime, end);
	if (sub.cancelAtPeriodEnd || (sub.cancelAt !== null && sub.cancelAt <= end)) {
		cancelSubscription(ctx, sub, "cancellation_requested", NO_REQUEST, sub.cancelAt ?? end);
		return { outcome: "ended", error: null, invoice: null };
	}
	const previous = { start: sub.currentPeriodStart, end };
	const invoiceId = newId("in");
	changeSubscription(
		ctx,
		sub,
		(s) => {
			s.periodIndex += 1;
			s.currentPeriodStart = end;
			s.currentPeriodEnd = periodBoundary(s.billingCycleAnchor, s.recurring, s.periodIndex + 1);
			s.latestInvoiceId = invoiceId;
		},
		NO_REQUEST,
	);
	const invoice = createInvoice(
		ctx,
		sub,
		"subscription_cycle",
		cycleLines(ctx, sub),
		previous,
		invoiceId,
	);
	finalizeInvoice(ctx, sub, invoice);
	if (sub.status === "unpaid") return { outcome: "not_attempted", error: null, invoice };
	return payAndSettle(ctx, sub, invoice);
}

/** Retries the subscription's open invoice (its latest, else the newest open one) now. */
export function retrySubscription(ctx: EmulatorContext, sub: SubscriptionRecord): CycleResult {
	const latest = sub.latestInvoiceId ? ctx.state.invoices.get(sub.latestInvoiceId) : undefined;
	const invoice = latest?.status === "open" ? latest : openInvoices(ctx, sub)[0];
	if (!invoice) throw invalidState(`Subscription ${sub.id} has no open invoice to retry.`);
	return retryInvoice(ctx, sub, invoice);
}

/**
 * Retries an open invoice now, as the next Smart Retry would (the subscription's time moves
 * to `next_payment_attempt`). Paid: a `past_due` or `unpaid` subscription with nothing else
 * open becomes `active`. Declined for the 4th time: the subscription is canceled
 * (`customer.subscription.deleted`), or made `unpaid` when the emulator is set so; the
 * invoice stays open.
 */
export function retryInvoice(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	invoice: InvoiceRecord,
): CycleResult {
	if (invoice.status !== "open") {
		throw invalidState(`Invoice ${invoice.id} is ${invoice.status}: only an open invoice is paid.`);
	}
	sub.clockTime = Math.max(sub.clockTime, invoice.nextPaymentAttempt ?? 0);
	return payAndSettle(ctx, sub, invoice);
}

// One attempt, then what it means for the subscription's status.
function payAndSettle(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	invoice: InvoiceRecord,
): CycleResult {
	const result = attemptInvoicePayment(ctx, sub, invoice, billingPaymentMethod(ctx, sub));
	if (result.outcome === "paid") {
		if (
			(sub.status === "past_due" || sub.status === "unpaid") &&
			openInvoices(ctx, sub).length === 0
		) {
			changeSubscription(
				ctx,
				sub,
				(s) => {
					s.status = "active";
				},
				NO_REQUEST,
			);
		}
		return { outcome: "paid", error: null, invoice };
	}
	if (sub.status === "active") {
		changeSubscription(
			ctx,
			sub,
			(s) => {
				s.status = "past_due";
			},
			NO_REQUEST,
		);
	} else if (sub.status === "past_due" && invoice.attemptCount >= MAX_PAYMENT_ATTEMPTS) {
		if (ctx.billing.afterRetries === "unpaid") {
			changeSubscription(
				ctx,
				sub,
				(s) => {
					s.status = "unpaid";
				},
				NO_REQUEST,
			);
		} else {
			cancelSubscription(ctx, sub, "payment_failed", NO_REQUEST);
		}
	}
	return { outcome: "failed", error: result.error, invoice };
}
