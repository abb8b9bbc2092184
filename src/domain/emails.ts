import type { Decision, OrderState } from "./transitions.ts";
import type { EmailKind } from "./vocabulary.ts";

/** An e-mail a change owes the shopper, before it has an id. */
export type EmailDue = {
	kind: EmailKind;
	to: string;
	/** One e-mail per cause: the same cause seen twice is the same key. */
	dedupeKey: string;
	/** A refund's amount this time, in minor units. */
	amount?: number;
};

/** What an order in this status owes when its session's report comes late: a shipped or refunded order was paid first. */
const REPORTED_OWES: Partial<Record<string, string>> = { fulfilled: "paid", refunded: "paid" };

/** The e-mail each new status owes, once per order. */
const ON_STATUS: Partial<Record<string, EmailKind>> = {
	paid: "order_confirmation",
	processing: "payment_processing",
	failed: "payment_failed",
	fulfilled: "shipped",
};

/**
 * The e-mail a change of status owes. A payment fails in two ways: a bank
 * debit that fails after the shopper left (processing → failed) owes the
 * message at once; a card declined on Stripe's page (pending → failed) owes
 * nothing while the shopper may still be paying, only once the session ends
 * unpaid (failed → expired) or, later, when reconciliation finds the order
 * still unpaid 30 minutes on (`UNPAID_NOTICE_AFTER_MS`).
 */
function owedOnChange(from: string, to: string): EmailKind | undefined {
	if (to === "failed") return from === "processing" ? "payment_failed" : undefined;
	if (to === "expired") return from === "failed" ? "payment_failed" : undefined;
	return ON_STATUS[to];
}

/** A decline followed by nothing this long: the shopper has left, and is told (SPEC 12). */
export const UNPAID_NOTICE_AFTER_MS = 30 * 60_000;

/**
 * What follows a payment goes only to the address the shopper paid with, which
 * the completed session reports: never to one typed on a declined attempt.
 */
const NEEDS_REPORTED_ADDRESS: ReadonlySet<EmailKind> = new Set([
	"order_confirmation",
	"shipped",
	"refund",
]);

/**
 * What a decision owes the shopper by e-mail: the confirmation when an order
 * becomes paid (by any path), the processing note, the payment-failed message
 * (it links to the same checkout), the shipping notice, and one message per
 * refund (partial or full). Nothing without an address to write to; what
 * follows a payment waits for the session's report of the address it was paid
 * with, and is owed when that report comes (a PaymentIntent's event came
 * first). Pure: the single writer (`applyFact`) commits these with the change;
 * the dedupe keys keep each to one.
 */
export function emailsFor(order: OrderState & { locale?: string }, decision: Decision): EmailDue[] {
	const to = decision.patch.customerEmail ?? order.customerEmail;
	if (!to) return [];
	const reportedNow = !order.checkoutCompleted && decision.patch.checkoutCompleted === true;
	const reported = order.checkoutCompleted || reportedNow;
	const steps = decision.to
		? [order.status, ...(decision.through ? [decision.through] : []), decision.to]
		: [];
	const kinds: (EmailKind | undefined)[] = [];
	for (let i = 1; i < steps.length; i++)
		kinds.push(owedOnChange(steps[i - 1] ?? "", steps[i] ?? ""));
	// A payment a human is checking owes nothing yet.
	if (!decision.to && reportedNow && decision.outcome !== "mismatch")
		kinds.push(ON_STATUS[REPORTED_OWES[order.status] ?? order.status]);
	const due: EmailDue[] = [];
	for (const kind of kinds) {
		if (kind && (reported || !NEEDS_REPORTED_ADDRESS.has(kind)))
			due.push({ kind, to, dedupeKey: `${kind}:${order.id}` });
	}
	const refunded = decision.patch.amountRefunded;
	if (reported && refunded !== undefined && refunded > order.amountRefunded) {
		due.push({
			kind: "refund",
			to,
			// Stripe's cumulative amount names the refund: the same refund seen twice is one e-mail.
			dedupeKey: `refund:${order.id}:${refunded}`,
			amount: refunded - order.amountRefunded,
		});
	}
	return due;
}
