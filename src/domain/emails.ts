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

/** What an order in this status owes when its address is learnt late: a shipped or refunded order was paid first. */
const LEARNT_OWES: Partial<Record<string, string>> = { fulfilled: "paid", refunded: "paid" };

/** The e-mail each new status owes, once per order. */
const ON_STATUS: Partial<Record<string, EmailKind>> = {
	paid: "order_confirmation",
	processing: "payment_processing",
	failed: "payment_failed",
	fulfilled: "shipped",
};

/**
 * What a decision owes the shopper by e-mail: the confirmation when an order
 * becomes paid (by any path), the processing note, the payment-failed message
 * (it links to the same checkout), the shipping notice, and one message per
 * refund (partial or full). Nothing without an address to write to; an address
 * learnt after the change (a PaymentIntent's event without one came first) owes
 * what the order's status owes then. Pure: the single writer (`applyFact`)
 * commits these with the change; the dedupe keys keep each to one.
 */
export function emailsFor(order: OrderState & { locale?: string }, decision: Decision): EmailDue[] {
	const to = decision.patch.customerEmail ?? order.customerEmail;
	if (!to) return [];
	const due: EmailDue[] = [];
	// A payment a human is checking owes nothing yet: never a "payment failed" with a resume link.
	const learnt =
		!order.customerEmail &&
		decision.patch.customerEmail !== undefined &&
		decision.outcome !== "mismatch";
	const statuses = decision.to
		? [...(decision.through ? [decision.through] : []), decision.to]
		: learnt
			? [LEARNT_OWES[order.status] ?? order.status]
			: [];
	for (const status of statuses) {
		const kind = ON_STATUS[status];
		if (kind) due.push({ kind, to, dedupeKey: `${kind}:${order.id}` });
	}
	const refunded = decision.patch.amountRefunded;
	if (refunded !== undefined && refunded > order.amountRefunded) {
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
