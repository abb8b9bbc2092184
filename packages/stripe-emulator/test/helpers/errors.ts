import Stripe from "stripe";
import { expect } from "vitest";

/** Awaits a stripe-node call that must fail and returns its error. */
export async function stripeError(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
	const error = await promise.then(
		() => null,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(Stripe.errors.StripeError);
	return error as Stripe.errors.StripeError;
}
