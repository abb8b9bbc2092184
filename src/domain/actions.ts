import { awaitsSessionReport, isOpenStatus } from "./transitions.ts";
import type { OrderStatus, WebhookResult } from "./vocabulary.ts";

/**
 * What may be done with an order now, decided once, beside the state machine:
 * the services ask before they act, the admin JSON carries it as `actions`
 * (SPEC 5), the console shows exactly those buttons, and the shopper's page
 * reads its own part (`progress`). No status rule is written anywhere else.
 */

/** What the rules read of an order. */
export type ActionOrder = {
	status: OrderStatus;
	amount: number;
	amountRefunded: number;
	failureCode: string | null;
	stripeCheckoutSessionId: string | null;
	checkoutExpiresAt: number | null;
	checkoutCompleted: boolean;
};

/** Why an order cannot be refunded, for the words the operator reads. */
export type RefundRefusal = "not_paid" | "nothing_charged" | "fully_refunded";

export type OrderActions = {
	/**
	 * A refund the operator may make now, up to `max` minor units; `max` is null
	 * for a held payment (all that Stripe took, known only by asking Stripe).
	 */
	refund: { max: number | null } | null;
	/** Why `refund` is null. */
	refundRefused: RefundRefusal | null;
	/** "Mark shipped" (for a held payment: honour it and ship). */
	fulfill: boolean;
	/** A payment that did not match its order, held while a human decides: refund it, or ship it. */
	heldPayment: boolean;
	/** Ask Stripe again: the order has a Checkout Session. */
	sync: boolean;
	/** The shopper may go back to this order's open checkout (a declined card, a closed tab). */
	resume: boolean;
};

const SETTLED: readonly OrderStatus[] = ["paid", "fulfilled"];

/** Paid, shipped or not: the money is ours (less refunds). */
export const isPaid = (order: { status: OrderStatus }) => SETTLED.includes(order.status);

/** A payment that matched no order (its amount or currency), held while a human decides. */
export const isHeldPayment = (order: { status: OrderStatus; failureCode: string | null }) =>
	order.failureCode === "amount_mismatch" && isOpenStatus(order.status);

function refundRefusal(order: ActionOrder): RefundRefusal | null {
	if (isHeldPayment(order)) return null;
	if (!isPaid(order)) return order.status === "refunded" ? "fully_refunded" : "not_paid";
	if (order.amount === 0) return "nothing_charged";
	return order.amount - order.amountRefunded > 0 ? null : "fully_refunded";
}

/**
 * What a resume of this order's checkout comes to: `resume` its open session,
 * refuse it as `already_paid` (never risk charging twice), or make a `new_order`
 * (the order is over, or its session's life is).
 */
export function resumeOf(
	order: Pick<ActionOrder, "status" | "checkoutExpiresAt">,
	nowMs: number,
): "resume" | "already_paid" | "new_order" {
	if (isPaid(order) || order.status === "processing") return "already_paid";
	if (order.status !== "pending" && order.status !== "failed") return "new_order";
	return (order.checkoutExpiresAt ?? 0) > nowMs ? "resume" : "new_order";
}

export function allowedActions(order: ActionOrder, nowMs: number): OrderActions {
	const held = isHeldPayment(order);
	const refused = refundRefusal(order);
	return {
		refund: refused ? null : { max: held ? null : order.amount - order.amountRefunded },
		refundRefused: refused,
		fulfill: order.status === "paid" || held,
		heldPayment: held,
		sync: order.stripeCheckoutSessionId !== null,
		resume: resumeOf(order, nowMs) === "resume",
	};
}

/**
 * Where the shopper's order stands, for the success page and its script:
 * `settled` once nothing more will change by itself (and Stripe's report is
 * in), `paid` once the cart is bought, `retry` after a declined card,
 * `awaitingPayment` while nothing has been tried, `slow` for a bank payment
 * that takes days.
 */
export function progress(order: ActionOrder) {
	return {
		settled: !isOpenStatus(order.status) && !awaitsSessionReport(order),
		paid: isPaid(order),
		retry: order.status === "failed",
		awaitingPayment: order.status === "pending",
		slow: order.status === "processing",
	};
}

/** A webhook event the operator may replay: one whose processing failed. */
export const mayReplay = (event: { result: WebhookResult }) => event.result === "failed";
