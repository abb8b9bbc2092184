import type { OrderStatus } from "../domain/vocabulary.ts";
import type { Fact } from "./facts.ts";

/**
 * The order state machine (README "The order state machine"): for each target status, the
 * statuses it may be reached from. Anything else is a no-op.
 */
export const TRANSITIONS = {
	processing: ["pending", "failed"],
	paid: ["pending", "processing", "failed", "canceled", "expired"],
	failed: ["pending", "processing"],
	expired: ["pending", "failed"],
	canceled: ["pending", "failed"],
	refunded: ["paid"],
} as const satisfies Partial<Record<OrderStatus, readonly OrderStatus[]>>;

/** Statuses reconciliation and the success page keep asking Stripe about. */
export const OPEN_STATUSES = [
	"pending",
	"processing",
	"failed",
] as const satisfies readonly OrderStatus[];

export function isOpenStatus(status: OrderStatus): boolean {
	return (OPEN_STATUSES as readonly OrderStatus[]).includes(status);
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
	const allowed: readonly OrderStatus[] | undefined = TRANSITIONS[to as keyof typeof TRANSITIONS];
	return allowed?.includes(from) ?? false;
}

/** What `decide` needs to know about the order. */
export type OrderState = {
	id: string;
	status: OrderStatus;
	amount: number;
	currency: string;
	amountRefunded: number;
	lastFactAt: number | null;
	failureCode: string | null;
	stripePaymentIntentId: string | null;
	customerEmail: string | null;
};

export type OrderPatch = {
	paidAt?: number;
	failureCode?: string | null;
	failureMessage?: string | null;
	amountRefunded?: number;
	stripePaymentIntentId?: string;
	customerEmail?: string;
	lastFactAt?: number;
};

/**
 * Something a human must look at, as facts: the words are written where
 * alerts are sent (services/alert-messages.ts). `dedupeKey` makes it one
 * alert per order, however often the fact comes back.
 */
export type AlertFact =
	| { kind: "amount_mismatch"; dedupeKey: string; paid: { amount: unknown; currency: unknown } }
	| {
			kind: "paid_after_close";
			dedupeKey: string;
			was: OrderStatus;
			paid: { amount: number; currency: string };
	  };

export type Decision = {
	/** `applied`: status changes; `recorded`: only details change; `noop`/`stale`/`mismatch`: status stays. */
	outcome: "applied" | "recorded" | "noop" | "stale" | "mismatch";
	to: OrderStatus | null;
	/** A status passed through on the way to `to` (a refund that arrived before the payment it refunds). */
	through?: OrderStatus;
	patch: OrderPatch;
	reason: string;
	alert?: AlertFact;
};

/**
 * Decides what a fact does to an order. Pure: the single writer (`applyFact`)
 * turns the decision into guarded SQL.
 */
export function decide(order: OrderState, fact: Fact, nowMs: number): Decision {
	// Money is never ignored as stale: a late payment still has to be honoured or refunded, and a
	// refund is told by Stripe's cumulative `amount_refunded`, which only grows (checked below).
	const money = fact.kind === "paid" || fact.kind === "refund";
	if (!money && order.lastFactAt !== null && fact.created < order.lastFactAt) {
		return {
			outcome: "stale",
			to: null,
			patch: {},
			reason: `fact from ${fact.created} is older than ${order.lastFactAt}`,
		};
	}
	const details = detailsPatch(order, fact);

	switch (fact.kind) {
		case "paid": {
			const currency = typeof fact.currency === "string" ? fact.currency.toLowerCase() : "";
			if (
				!Number.isSafeInteger(fact.amount) ||
				fact.amount !== order.amount ||
				currency !== order.currency
			) {
				if (order.failureCode === "amount_mismatch") {
					return {
						outcome: "noop",
						to: null,
						patch: {},
						reason: "amount mismatch already flagged",
					};
				}
				return {
					outcome: "mismatch",
					to: null,
					// The shopper's view shows failureMessage: the merchant's detail goes to the alert.
					patch: {
						...details,
						failureCode: "amount_mismatch",
						failureMessage: PAYMENT_UNDER_REVIEW,
					},
					reason: "the paid amount or currency differs from the order's",
					alert: {
						kind: "amount_mismatch",
						dedupeKey: `amount_mismatch:${order.id}`,
						paid: { amount: fact.amount, currency: fact.currency },
					},
				};
			}
			if (!canTransition(order.status, "paid")) return recordOrNoop(order, details, "paid");
			const late = order.status === "canceled" || order.status === "expired";
			// Event order is not guaranteed: the refund of this payment may have been recorded first.
			const refundedAlready = order.amountRefunded >= order.amount;
			return {
				outcome: "applied",
				...(refundedAlready ? { to: "refunded", through: "paid" } : { to: "paid" }),
				patch: { ...details, paidAt: nowMs, failureCode: null, failureMessage: null },
				reason: `${order.status} → paid`,
				...(late && {
					alert: {
						kind: "paid_after_close",
						dedupeKey: `paid_after_close:${order.id}`,
						was: order.status,
						paid: { amount: fact.amount, currency: fact.currency },
					},
				}),
			};
		}
		case "processing":
			return transitionTo(
				order,
				"processing",
				{ ...details, failureCode: null, failureMessage: null },
				details,
			);
		case "failed": {
			const failure = {
				failureCode: fact.code ?? "payment_failed",
				failureMessage: fact.message ?? "The payment failed.",
			};
			if (order.status === "failed") {
				// A second decline in the same session: keep the latest reason for the shopper.
				return {
					outcome: "recorded",
					to: null,
					patch: { ...details, ...failure },
					reason: "failed again",
				};
			}
			return transitionTo(order, "failed", { ...details, ...failure }, details);
		}
		case "expired":
			return transitionTo(order, "expired", details, details);
		case "canceled":
			return transitionTo(
				order,
				"canceled",
				{ ...details, failureCode: fact.code, failureMessage: fact.message },
				details,
			);
		case "refund": {
			if (fact.amountRefunded <= order.amountRefunded)
				return recordOrNoop(order, details, "refund");
			const patch = { ...details, amountRefunded: fact.amountRefunded };
			if (fact.amountRefunded >= order.amount && order.status === "paid") {
				return { outcome: "applied", to: "refunded", patch, reason: "paid → refunded" };
			}
			return {
				outcome: "recorded",
				to: null,
				patch,
				reason: `refunded ${fact.amountRefunded} of ${order.amount}`,
			};
		}
	}
}

/** What the shopper reads while a human looks at a payment that does not match its order. */
export const PAYMENT_UNDER_REVIEW =
	"We received a payment for this order and are checking it. We will get back to you shortly.";

function transitionTo(
	order: OrderState,
	to: OrderStatus,
	patch: OrderPatch,
	details: OrderPatch,
): Decision {
	if (!canTransition(order.status, to)) return recordOrNoop(order, details, to);
	return { outcome: "applied", to, patch, reason: `${order.status} → ${to}` };
}

function recordOrNoop(order: OrderState, details: OrderPatch, wanted: string): Decision {
	const reason = `no transition from ${order.status} for ${wanted}`;
	return Object.keys(details).length > 0
		? { outcome: "recorded", to: null, patch: details, reason }
		: { outcome: "noop", to: null, patch: {}, reason };
}

/** Identifiers Stripe gives us along the way; recorded once, never overwritten. */
function detailsPatch(order: OrderState, fact: Fact): OrderPatch {
	const patch: OrderPatch = {};
	if (fact.paymentIntentId && !order.stripePaymentIntentId)
		patch.stripePaymentIntentId = fact.paymentIntentId;
	if (fact.customerEmail && !order.customerEmail) patch.customerEmail = fact.customerEmail;
	return patch;
}
