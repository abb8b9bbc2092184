import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { orderItems, orders } from "../../db/schema.ts";
import type { Locale } from "../../i18n/catalogues.ts";
import { AppError, stripeUnavailable } from "../../lib/errors.ts";
import { describeError } from "../../lib/log.ts";
import { untilStripeAnswers } from "../../lib/stripe.ts";
import type { StripeDeps } from "../deps.ts";
import type { OrderItemRow, OrderRow } from "../orders/orders.ts";
import { publicOrder } from "../orders/view.ts";
import { customerSubscriptions } from "../subscriptions/view.ts";
import type { CustomerRow } from "./sessions.ts";

/** The orders an account page lists at most (newest first). */
export const ACCOUNT_ORDERS_LIMIT = 50;

/**
 * A customer's purchases (SPEC 14), newest first: the orders placed signed in,
 * and those whose completed checkout Stripe reported with the customer's
 * address (a guest's earlier orders). Checkouts that were never paid
 * (abandoned, declined, superseded) are not purchases and are left out.
 */
export async function accountOrders(deps: StripeDeps, customer: CustomerRow) {
	const theirs = and(
		or(eq(orders.customerId, customer.id), sql`lower(${orders.customerEmail}) = ${customer.email}`),
		or(
			eq(orders.checkoutCompleted, true),
			inArray(orders.status, ["processing", "paid", "fulfilled", "refunded"]),
		),
	);
	const [rows, items] = await deps.db.batch([
		deps.db
			.select()
			.from(orders)
			.where(theirs)
			.orderBy(desc(orders.createdAt))
			.limit(ACCOUNT_ORDERS_LIMIT),
		deps.db
			.select()
			.from(orderItems)
			.where(
				inArray(
					orderItems.orderId,
					deps.db
						.select({ id: orders.id })
						.from(orders)
						.where(theirs)
						.orderBy(desc(orders.createdAt))
						.limit(ACCOUNT_ORDERS_LIMIT),
				),
			)
			.orderBy(orderItems.id),
	]);
	const byOrder = new Map<string, OrderItemRow[]>();
	for (const item of items) byOrder.set(item.orderId, [...(byOrder.get(item.orderId) ?? []), item]);
	return rows.map((order) => accountOrder(order, byOrder.get(order.id) ?? []));
}

/** An order as the account page shows it: the public view, and where its status page is. */
function accountOrder(order: OrderRow, items: OrderItemRow[]) {
	return {
		...publicOrder(order, items),
		statusUrl: order.stripeCheckoutSessionId
			? `/success.html?${new URLSearchParams({ session_id: order.stripeCheckoutSessionId })}`
			: null,
	};
}

export type AccountOrder = ReturnType<typeof accountOrder>;

/**
 * `GET /api/account`: the customer's address, purchases and subscriptions
 * (SPEC 15, newest first), and whether Stripe keeps cards for them
 * (the page offers "manage billing" then).
 */
export async function accountView(deps: StripeDeps, customer: CustomerRow, locale = "en") {
	const [orders, subscriptions] = await Promise.all([
		accountOrders(deps, customer),
		customerSubscriptions(deps, customer, locale),
	]);
	return {
		email: customer.email,
		orders,
		subscriptions,
		billing: customer.stripeCustomerId !== null,
	};
}

/**
 * The customer's Stripe Customer: theirs when they have one; else made now,
 * once (the idempotency key is our customer's id, so two checkouts at once
 * make one), and to be recorded by the caller with `recordStripeCustomer`
 * (a checkout writes it in its order's batch: no round trip of its own).
 */
export async function stripeCustomerOf(
	deps: StripeDeps,
	customer: CustomerRow,
): Promise<{ id: string; made: boolean }> {
	if (customer.stripeCustomerId) return { id: customer.stripeCustomerId, made: false };
	let made: Stripe.Customer;
	try {
		made = await untilStripeAnswers(() =>
			deps.stripe.customers.create(
				{
					email: customer.email,
					preferred_locales: [customer.locale],
					metadata: { customer_id: customer.id },
				},
				{ idempotencyKey: `customer-${customer.id}` },
			),
		);
	} catch (err) {
		deps.log.error("stripe customer create failed", {
			customerId: customer.id,
			...describeError(err),
		});
		throw stripeUnavailable();
	}
	deps.log.info("stripe customer made", { customerId: customer.id, stripeCustomerId: made.id });
	return { id: made.id, made: true };
}

/** Records a customer's new Stripe Customer (kept if one was recorded meanwhile: the same, by its key). */
export const recordStripeCustomer = (customerId: string, stripeCustomerId: string) =>
	sql`update customers set stripe_customer_id = ${stripeCustomerId}
		where id = ${customerId} and stripe_customer_id is null`;

/**
 * `POST /api/account/payment-methods`: a `mode: setup` Checkout Session to
 * add a card without paying, on Stripe's page; back to the account page.
 */
export async function cardSetupUrl(
	deps: StripeDeps,
	customer: CustomerRow,
	input: {
		origin: string;
		locale: Locale;
		currency: string;
		/** Stripe's page names the shop, in its colour, as for a payment. */
		shop: { name: string; accentColor: string | null };
	},
): Promise<string> {
	const stripeCustomer = await stripeCustomerOf(deps, customer);
	if (stripeCustomer.made) await deps.db.run(recordStripeCustomer(customer.id, stripeCustomer.id));
	const back = (state: string) => `${input.origin}/account.html?card=${state}&lang=${input.locale}`;
	const session = await callStripe(deps, "card set-up", () =>
		deps.stripe.checkout.sessions.create({
			mode: "setup",
			currency: input.currency,
			customer: stripeCustomer.id,
			success_url: back("added"),
			cancel_url: back("canceled"),
			locale: input.locale,
			metadata: { customer_id: customer.id },
			branding_settings: {
				display_name: input.shop.name,
				...(input.shop.accentColor && { button_color: input.shop.accentColor }),
			},
		}),
	);
	if (!session.url) throw new Error(`set-up session ${session.id} has no url`);
	deps.log.info("card set-up session created", { customerId: customer.id, sessionId: session.id });
	return session.url;
}

/**
 * `POST /api/account/portal`: a Billing Portal session for the customer's
 * Stripe Customer; 409 `no_billing_account` before they have one.
 */
export async function portalUrl(
	deps: StripeDeps,
	customer: CustomerRow,
	input: { origin: string; locale: Locale },
): Promise<string> {
	const stripeCustomerId = customer.stripeCustomerId;
	if (!stripeCustomerId)
		throw new AppError(
			"no_billing_account",
			"There is nothing to manage yet: no card has been saved or used while signed in.",
		);
	const session = await callStripe(deps, "billing portal", () =>
		deps.stripe.billingPortal.sessions.create({
			customer: stripeCustomerId,
			return_url: `${input.origin}/account.html?lang=${input.locale}`,
			locale: input.locale,
		}),
	);
	return session.url;
}

async function callStripe<T>(deps: StripeDeps, what: string, call: () => Promise<T>): Promise<T> {
	try {
		return await untilStripeAnswers(call);
	} catch (err) {
		deps.log.error(`stripe ${what} failed`, describeError(err));
		throw stripeUnavailable();
	}
}
