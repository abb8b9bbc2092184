import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch.ts";
import type { PricedCart } from "../../domain/cart.ts";
import { type CheckoutOptions, subscriptionSessionParams } from "../../domain/checkout-session.ts";
import { LIVE_SUBSCRIPTION_STATUSES } from "../../domain/vocabulary.ts";
import type { Locale } from "../../i18n/catalogues.ts";
import { AppError, stripeUnavailable } from "../../lib/errors.ts";
import { describeError } from "../../lib/log.ts";
import { untilStripeAnswers } from "../../lib/stripe.ts";
import { recordStripeCustomer, stripeCustomerOf } from "../accounts/account.ts";
import type { CustomerRow } from "../accounts/sessions.ts";
import type { StripeDeps } from "../deps.ts";
import { CHECKOUT_TTL_SECONDS } from "../payments/checkout.ts";

/** A plan's checkout answer (SPEC 15): no order (orders come from paid invoices), Stripe's page. */
export type SubscriptionCheckout = {
	orderId: null;
	sessionId: string;
	url: string;
	resumeToken: null;
};

const LIVE = sql.raw(LIVE_SUBSCRIPTION_STATUSES.map((s) => `'${s}'`).join(", "));

/**
 * Starts the signed-in customer's subscription to the cart's plan. One plan
 * checkout at a time per customer and plan: in one D1 batch, a customer who
 * has the plan (trialing, active or past due) is refused 409
 * `already_subscribed`, else the checkout is claimed (`subscription_claims`,
 * until its session expires). A second request (a double click, another tab)
 * finds the claim and gets the same session, or 409 `request_in_progress`
 * while the first is still creating it; Stripe's idempotency key is the
 * claim's, so one claim can never make two sessions. The claim is kept until
 * its session expires: a click in the seconds between paying and the
 * subscription's webhook gets the paid session back, never a second one;
 * once the subscription it started has ended, it may be claimed again at once.
 */
export async function startSubscriptionCheckout(
	deps: StripeDeps,
	input: {
		customer: CustomerRow;
		cart: PricedCart;
		origin: string;
		locale: Locale;
		options: CheckoutOptions;
	},
): Promise<SubscriptionCheckout> {
	const { customer, cart } = input;
	const line = cart.lines[0];
	if (!line?.recurringInterval || cart.lines.length !== 1)
		throw new Error("a subscription checkout takes one plan");
	const now = deps.now();
	const expiresAt = Math.floor(now / 1000) + CHECKOUT_TTL_SECONDS;
	const claimId = crypto.randomUUID();
	const mine = sql`customer_id = ${customer.id} and product_id = ${line.productId}`;
	const [live, , held] = await runBatch(deps.db, [
		sql`select id from subscriptions where ${mine} and status in (${LIVE}) limit 1`,
		sql`insert into subscription_claims (customer_id, product_id, claim_id, expires_at)
			select ${customer.id}, ${line.productId}, ${claimId}, ${expiresAt * 1000}
			where not exists (select 1 from subscriptions where ${mine} and status in (${LIVE}))
			on conflict (customer_id, product_id) do update set
				claim_id = excluded.claim_id, session_id = null, url = null, expires_at = excluded.expires_at
			where subscription_claims.expires_at <= ${now}
				or exists (select 1 from subscriptions s where s.checkout_session_id = subscription_claims.session_id
					and s.status not in (${LIVE}))`,
		sql`select claim_id as claimId, session_id as sessionId, url from subscription_claims where ${mine}`,
	]);
	if ((live?.results.length ?? 0) > 0)
		throw new AppError(
			"already_subscribed",
			"This customer already has this plan: manage it from the account page (the billing portal).",
		);
	const claim = held?.results[0] as
		| { claimId: string; sessionId: string | null; url: string | null }
		| undefined;
	if (claim?.claimId !== claimId) {
		// Another click or tab holds this plan's checkout: its session, once it has one.
		if (claim?.sessionId && claim.url)
			return { orderId: null, sessionId: claim.sessionId, url: claim.url, resumeToken: null };
		throw new AppError(
			"request_in_progress",
			"This plan's checkout is being prepared in another request. Please wait a moment.",
			{},
			1,
		);
	}
	let sessionId: string;
	let url: string;
	let made: string | null = null;
	try {
		const stripeCustomer = await stripeCustomerOf(deps, customer);
		if (stripeCustomer.made) made = stripeCustomer.id;
		const session = await untilStripeAnswers(() =>
			deps.stripe.checkout.sessions.create(
				subscriptionSessionParams(
					{
						customer: { id: customer.id, stripeCustomerId: stripeCustomer.id },
						line: { ...line, recurringInterval: line.recurringInterval as "month" | "year" },
						currency: cart.currency,
						origin: input.origin,
						locale: input.locale,
						expiresAt,
					},
					input.options,
				),
				{ idempotencyKey: `subscription-claim-${claimId}` },
			),
		);
		if (!session.url) throw new Error(`subscription session ${session.id} has no url`);
		sessionId = session.id;
		url = session.url;
	} catch (err) {
		deps.log.error("subscription checkout failed", {
			customerId: customer.id,
			productId: line.productId,
			...describeError(err),
		});
		// Given back at once: the shopper's retry may claim it again.
		await runBatch(deps.db, [
			sql`delete from subscription_claims where ${mine} and claim_id = ${claimId}`,
			...(made ? [recordStripeCustomer(customer.id, made)] : []),
		]);
		if (err instanceof AppError) throw err;
		throw stripeUnavailable();
	}
	await runBatch(deps.db, [
		sql`update subscription_claims set session_id = ${sessionId}, url = ${url}
			where ${mine} and claim_id = ${claimId}`,
		...(made ? [recordStripeCustomer(customer.id, made)] : []),
	]);
	deps.log.info("subscription checkout created", {
		customerId: customer.id,
		productId: line.productId,
		sessionId,
	});
	return { orderId: null, sessionId, url, resumeToken: null };
}
