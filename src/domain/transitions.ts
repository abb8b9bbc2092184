import type { Fact, PaymentDetails, SessionTotals, ShippingDetails } from "./facts.ts";
import type { OrderStatus } from "./vocabulary.ts";

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
	refunded: ["paid", "fulfilled"],
	fulfilled: ["paid"],
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

/**
 * A payment taken whose completed session has not reported yet (its address,
 * totals, card): the success page and its sync keep asking until it has.
 */
export function awaitsSessionReport(order: {
	status: OrderStatus;
	checkoutCompleted: boolean;
}): boolean {
	return (
		!order.checkoutCompleted &&
		(order.status === "paid" || order.status === "fulfilled" || order.status === "refunded")
	);
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
	const allowed: readonly OrderStatus[] | undefined = TRANSITIONS[to as keyof typeof TRANSITIONS];
	return allowed?.includes(from) ?? false;
}

/** What `decide` needs to know about the order. */
export type OrderState = ChargedDetails & {
	id: string;
	status: OrderStatus;
	currency: string;
	/** Ours, from the catalog: what a completed session's `amount_subtotal` must be. */
	subtotal: number;
	amountRefunded: number;
	lastFactAt: number | null;
	failureCode: string | null;
	failureMessage: string | null;
	amountAsked: number | null;
	stripePaymentIntentId: string | null;
	customerEmail: string | null;
	/** The completed session's own report is on the order (the address it was paid with among it). */
	checkoutCompleted: boolean;
};

/** What Stripe's page settled: the totals, where the goods go, how it was paid. */
type ChargedDetails = {
	amount: number;
	amountDiscount: number;
	discountCode: string | null;
	amountShipping: number;
	amountTax: number;
	shippingName: string | null;
	shippingLine1: string | null;
	shippingLine2: string | null;
	shippingCity: string | null;
	shippingPostalCode: string | null;
	shippingState: string | null;
	shippingCountry: string | null;
	shippingPhone: string | null;
	shippingRateName: string | null;
	paymentBrand: string | null;
	paymentLast4: string | null;
	receiptUrl: string | null;
};

export type OrderPatch = Partial<ChargedDetails> & {
	paidAt?: number;
	failureCode?: string | null;
	failureMessage?: string | null;
	amountAsked?: number;
	amountRefunded?: number;
	stripePaymentIntentId?: string;
	customerEmail?: string;
	checkoutCompleted?: boolean;
	lastFactAt?: number;
	fulfillmentCarrier?: string | null;
	fulfillmentTrackingNumber?: string | null;
	fulfillmentTrackingUrl?: string | null;
	fulfilledAt?: number;
};

/**
 * Something a human must look at, as facts: the words are written where
 * alerts are sent (services/alerts/messages.ts). `dedupeKey` makes it one
 * alert per order, however often the fact comes back.
 */
export type AlertFact =
	| { kind: "amount_mismatch"; dedupeKey: string; paid: { amount: unknown; currency: unknown } }
	| {
			kind: "paid_after_close";
			dedupeKey: string;
			was: OrderStatus;
			paid: { amount: number; currency: string };
	  }
	| { kind: "oversold"; dedupeKey: string; lines: StockShortfall[] };

/** A line of a released order paid anyway whose units were taken meanwhile. */
export type StockShortfall = { productId: string; name: string; wanted: number; left: number };

/** Statuses an order gives its reserved stock back in (and takes it again from, when paid anyway). */
export const RELEASED_STATUSES = ["expired", "canceled"] as const satisfies readonly OrderStatus[];

export function isReleasedStatus(status: OrderStatus): boolean {
	return (RELEASED_STATUSES as readonly OrderStatus[]).includes(status);
}

export type Decision = {
	/**
	 * `applied`: status changes; `recorded`: only details change; `noop`/`stale`/`mismatch`:
	 * status stays; `needs_session`: nothing written, the fact can only be judged with the
	 * order's Checkout Session (a PaymentIntent for another amount than the known one).
	 */
	outcome: "applied" | "recorded" | "noop" | "stale" | "mismatch" | "needs_session";
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
	// Neither is the operator's shipping of an order, whatever Stripe's clock said last.
	const timeless = fact.kind === "paid" || fact.kind === "refund" || fact.kind === "fulfilled";
	if (!timeless && order.lastFactAt !== null && fact.created < order.lastFactAt) {
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
			const wrong = fact.accepted ? null : wrongCharge(order, fact);
			if (wrong === "needs_session" && order.failureCode !== "amount_mismatch") {
				return {
					outcome: "needs_session",
					to: null,
					patch: {},
					reason: `a PaymentIntent for ${fact.amount}, not the known ${order.amount}: its session tells what was added or taken off`,
				};
			}
			if (wrong) return mismatch(order, details, { amount: fact.amount, currency: fact.currency });
			const charged = { ...details, ...chargedPatch(order, fact) };
			if (!canTransition(order.status, "paid")) return recordOrNoop(order, charged, "paid");
			const late = order.status === "canceled" || order.status === "expired";
			// Event order is not guaranteed: the refund of this payment may have been recorded first.
			const refundedAlready = fact.amount > 0 && order.amountRefunded >= fact.amount;
			return {
				outcome: "applied",
				...(refundedAlready ? { to: "refunded", through: "paid" } : { to: "paid" }),
				patch: { ...charged, paidAt: nowMs, failureCode: null, failureMessage: null },
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
		case "processing": {
			if (fact.charge && wrongCharge(order, fact.charge))
				return mismatch(order, details, fact.charge);
			const charged = {
				...details,
				...chargedPatch(order, { ...fact.charge, shipping: fact.shipping }),
			};
			return transitionTo(
				order,
				"processing",
				{ ...charged, failureCode: null, failureMessage: null },
				charged,
			);
		}
		case "failed": {
			const failure = {
				failureCode: fact.code ?? "payment_failed",
				failureMessage: fact.message ?? "The payment failed.",
				// What the page asked this time (the shopper may have picked another rate since).
				...(typeof fact.asked === "number" &&
					fact.asked !== order.amountAsked && { amountAsked: fact.asked }),
			};
			if (order.status === "failed") {
				// A second decline in the same session: keep the latest reason for the shopper. The
				// same decline told again (reconciliation asking about it) changes nothing.
				const patch = { ...details };
				if (failure.failureCode !== order.failureCode) patch.failureCode = failure.failureCode;
				if (failure.failureMessage !== order.failureMessage)
					patch.failureMessage = failure.failureMessage;
				if (failure.amountAsked !== undefined) patch.amountAsked = failure.amountAsked;
				return Object.keys(patch).length > 0
					? { outcome: "recorded", to: null, patch, reason: "failed again" }
					: { outcome: "noop", to: null, patch: {}, reason: "the same decline again" };
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
			// A payment a human was checking, all returned: nothing was sold, the order ends (its units back).
			if (
				order.failureCode === "amount_mismatch" &&
				canTransition(order.status, "canceled") &&
				fact.charged !== undefined &&
				fact.amountRefunded >= fact.charged
			)
				return {
					outcome: "applied",
					to: "canceled",
					patch: { ...patch, failureMessage: PAYMENT_RETURNED },
					reason: `${order.status} → canceled: the payment that did not match was refunded`,
				};
			if (
				fact.amountRefunded >= order.amount &&
				(order.status === "paid" || order.status === "fulfilled")
			) {
				return {
					outcome: "applied",
					to: "refunded",
					patch,
					reason: `${order.status} → refunded`,
				};
			}
			return {
				outcome: "recorded",
				to: null,
				patch,
				reason: `refunded ${fact.amountRefunded} of ${order.amount}`,
			};
		}
		case "fulfilled":
			return transitionTo(
				order,
				"fulfilled",
				{
					fulfillmentCarrier: fact.carrier,
					fulfillmentTrackingNumber: fact.trackingNumber,
					fulfillmentTrackingUrl: fact.trackingUrl,
					fulfilledAt: nowMs,
				},
				{},
			);
	}
}

/**
 * Why a charge cannot be accepted as this order's payment, or null when it can.
 * A session's charge is judged by its subtotal (what Stripe's page adds or takes
 * off is not a mismatch); a PaymentIntent's, which knows only its amount, by the
 * order's known amount, else through the session.
 */
function wrongCharge(
	order: OrderState,
	charge: { amount: number; currency: string; totals?: SessionTotals },
): "mismatch" | "needs_session" | null {
	const currency = typeof charge.currency === "string" ? charge.currency.toLowerCase() : "";
	if (!Number.isSafeInteger(charge.amount) || charge.amount < 0 || currency !== order.currency)
		return "mismatch";
	if (charge.totals) return charge.totals.subtotal === order.subtotal ? null : "mismatch";
	return charge.amount === order.amount ? null : "needs_session";
}

function mismatch(
	order: OrderState,
	details: OrderPatch,
	paid: { amount: unknown; currency: unknown },
): Decision {
	if (order.failureCode === "amount_mismatch") {
		return { outcome: "noop", to: null, patch: {}, reason: "amount mismatch already flagged" };
	}
	return {
		outcome: "mismatch",
		to: null,
		// The shopper's view shows failureMessage: the merchant's detail goes to the alert.
		patch: { ...details, failureCode: "amount_mismatch", failureMessage: PAYMENT_UNDER_REVIEW },
		reason: "the paid subtotal or currency differs from the order's",
		alert: { kind: "amount_mismatch", dedupeKey: `amount_mismatch:${order.id}`, paid },
	};
}

/**
 * What a session's charge settles, as the fields of the order that differ from it:
 * repeating the fact changes nothing. A value Stripe did not give (null) never
 * erases one it gave before.
 */
function chargedPatch(
	order: OrderState,
	fact: {
		amount?: number;
		totals?: SessionTotals;
		shipping?: ShippingDetails | null;
		payment?: PaymentDetails | null;
	},
): OrderPatch {
	const wanted: Partial<ChargedDetails> = {};
	if (fact.totals && fact.amount !== undefined) {
		wanted.amount = fact.amount;
		wanted.amountDiscount = fact.totals.discount;
		wanted.discountCode = fact.totals.discountCode ?? null;
		wanted.amountShipping = fact.totals.shipping;
		wanted.amountTax = fact.totals.tax;
	}
	const { shipping, payment } = fact;
	if (shipping) {
		Object.assign(wanted, {
			shippingName: shipping.name,
			shippingLine1: shipping.line1,
			shippingLine2: shipping.line2,
			shippingCity: shipping.city,
			shippingPostalCode: shipping.postalCode,
			shippingState: shipping.state,
			shippingCountry: shipping.country,
			shippingPhone: shipping.phone,
			shippingRateName: shipping.rateName,
		});
	}
	if (payment) {
		Object.assign(wanted, {
			paymentBrand: payment.brand,
			paymentLast4: payment.last4,
			receiptUrl: payment.receiptUrl,
		});
	}
	const patch: Partial<ChargedDetails> = {};
	for (const [key, value] of Object.entries(wanted) as [keyof ChargedDetails, unknown][]) {
		if (value === null || value === undefined || value === order[key]) continue;
		Object.assign(patch, { [key]: value });
	}
	return patch;
}

/** What the shopper reads once a payment that did not match its order was returned. */
export const PAYMENT_RETURNED =
	"The payment for this order could not be matched to it and was refunded in full.";

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

/**
 * What Stripe tells along the way: the PaymentIntent (recorded once), and the
 * shopper's address. The address the completed session reports is the one the
 * shopper paid with and replaces any other; until it comes, the latest
 * attempt's stands in (a shopper corrects a mistyped address after a decline).
 */
function detailsPatch(order: OrderState, fact: Fact): OrderPatch {
	const patch: OrderPatch = {};
	if (fact.paymentIntentId && !order.stripePaymentIntentId)
		patch.stripePaymentIntentId = fact.paymentIntentId;
	const reported = fact.fromCompletedSession === true;
	if (
		fact.customerEmail &&
		fact.customerEmail !== order.customerEmail &&
		(reported || !order.checkoutCompleted)
	)
		patch.customerEmail = fact.customerEmail;
	if (reported && !order.checkoutCompleted) patch.checkoutCompleted = true;
	return patch;
}
