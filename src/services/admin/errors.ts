import type { RefundRefusal } from "../../domain/actions.ts";
import type { OrderStatus } from "../../domain/vocabulary.ts";
import { AppError, stripeUnavailable } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import { describeError } from "../../lib/log.ts";
import { isStripeRequestError } from "../../lib/stripe.ts";

/** Errors of the operator API, in the one error model. */

/** 409 `order_not_paid`, saying why (allowedActions' refusal): not paid, nothing was charged (a 100 % discount), or all refunded. */
export function orderNotPaid(why: RefundRefusal, status: OrderStatus): AppError {
	const message =
		why === "nothing_charged"
			? "Nothing was charged for this order (its discount covered it all): there is nothing to refund."
			: why === "fully_refunded"
				? "Fully refunded: nothing is left to refund on this order."
				: `Only paid or fulfilled orders can be refunded; this one is ${status}.`;
	return new AppError("order_not_paid", message);
}

export const orderNotShippable = (status: OrderStatus) =>
	new AppError("order_not_paid", `Only a paid order can be marked shipped; this one is ${status}.`);

export const invalidAmount = (message: string) => new AppError("invalid_amount", message);

export const noSession = () =>
	new AppError("no_session", "This order has no Checkout Session to sync from.");

export const invalidRequest = (message: string) => new AppError("invalid_request", message);

/**
 * Maps a failed Stripe call: a request Stripe refused (4xx) is passed on as
 * 409 with Stripe's own explanation, anything else is 502 `stripe_unavailable`.
 */
export function stripeCallFailed(log: Logger, what: string, err: unknown): AppError {
	if (err instanceof AppError) return err;
	if (isStripeRequestError(err)) {
		log.warn(`${what}: Stripe refused the request`, describeError(err));
		return new AppError("stripe_rejected", `Stripe refused the request: ${err.message}`);
	}
	log.error(`${what}: Stripe failed`, describeError(err));
	return stripeUnavailable();
}

export const noPayment = () =>
	new AppError("no_payment", "Stripe has no payment for this order to refund.");
