import { desc, eq, inArray, sql } from "drizzle-orm";
import { minorUnitDigits } from "shop-money";
import type Stripe from "stripe";
import { customers, invoices, orders, products, subscriptions } from "../../db/schema.ts";
import { productText } from "../../domain/product.ts";
import type { SubscriptionStatus } from "../../domain/vocabulary.ts";
import { AppError, stripeUnavailable } from "../../lib/errors.ts";
import { describeError } from "../../lib/log.ts";
import { untilStripeAnswers } from "../../lib/stripe.ts";
import { isoTime } from "../../lib/time.ts";
import type { CustomerRow } from "../accounts/sessions.ts";
import type { StripeDeps } from "../deps.ts";
import { storeSnapshot } from "./sync.ts";

export type SubscriptionRow = typeof subscriptions.$inferSelect;
type ProductRow = typeof products.$inferSelect;

/**
 * A subscription as every reader shows it (SPEC 15): the operator's fields,
 * and the plan's name (in `locale`) and price per period for the pages.
 */
export function subscriptionView(
	sub: SubscriptionRow,
	product: ProductRow | null,
	customerEmail: string | null,
	locale = "en",
) {
	return {
		id: sub.id,
		customerId: sub.customerId,
		customerEmail,
		productId: sub.productId,
		planName: product ? productText(product, locale).name : sub.productId,
		status: sub.status,
		quantity: sub.quantity,
		unitAmount: sub.unitAmount,
		currency: sub.currency,
		minorUnits: minorUnitDigits(sub.currency),
		interval: sub.interval,
		currentPeriodEnd: isoTime(sub.currentPeriodEnd),
		cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
		canceledAt: isoTime(sub.canceledAt),
		endedAt: isoTime(sub.endedAt),
		latestInvoiceId: sub.latestInvoiceId,
	};
}

export type SubscriptionView = ReturnType<typeof subscriptionView>;

/** A customer's subscriptions, newest first, in their language. */
export async function customerSubscriptions(
	deps: StripeDeps,
	customer: CustomerRow,
	locale: string,
): Promise<SubscriptionView[]> {
	const rows = await deps.db
		.select({ sub: subscriptions, product: products })
		.from(subscriptions)
		.leftJoin(products, eq(products.id, subscriptions.productId))
		.where(eq(subscriptions.customerId, customer.id))
		.orderBy(desc(subscriptions.createdAt));
	return rows.map((r) => subscriptionView(r.sub, r.product, customer.email, locale));
}

/**
 * The success page of a plan's checkout leads to the account page, which
 * asks Stripe for the subscription when its webhook has not come yet (the
 * page never races the webhook into saying nothing happened). Only the
 * customer's own checkout (its claim names them). One Stripe call.
 */
export async function catchUpSubscriptionCheckout(
	deps: StripeDeps,
	customer: CustomerRow,
	sessionId: string,
): Promise<void> {
	const [claim] = await deps.db.all<{ productId: string; recorded: number }>(
		sql`select c.product_id as productId,
			exists (select 1 from subscriptions s where s.customer_id = c.customer_id and s.product_id = c.product_id) as recorded
			from subscription_claims c where c.customer_id = ${customer.id} and c.session_id = ${sessionId}`,
	);
	if (!claim || claim.recorded) return;
	let session: Stripe.Checkout.Session;
	try {
		session = await untilStripeAnswers(() =>
			deps.stripe.checkout.sessions.retrieve(sessionId, { expand: ["subscription"] }),
		);
	} catch (err) {
		deps.log.warn("subscription checkout not looked up", { sessionId, ...describeError(err) });
		return;
	}
	const subscription = session.subscription;
	if (!subscription || typeof subscription === "string") return;
	if (subscription.metadata?.customer_id !== customer.id) return;
	const [product] = await deps.db
		.select()
		.from(products)
		.where(eq(products.id, claim.productId))
		.limit(1);
	await storeSnapshot(
		deps,
		subscription,
		{
			customer: { id: customer.id, email: customer.email, locale: customer.locale },
			product: product ?? null,
			invoiceStatus: null,
		},
		deps.now(),
		sessionId,
	);
}

/** The session ids of plan checkouts, for the success page to send them to the account page. */
export async function isSubscriptionCheckout(deps: StripeDeps, sessionId: string) {
	const [row] = await deps.db.all<{ one: number }>(
		sql`select 1 as one from subscription_claims where session_id = ${sessionId}`,
	);
	return row !== undefined;
}

/** `GET /admin/subscriptions?status=`: every subscription (of a status), newest first. */
export async function listSubscriptions(deps: StripeDeps, status?: SubscriptionStatus) {
	const rows = await deps.db
		.select({ sub: subscriptions, product: products, email: customers.email })
		.from(subscriptions)
		.leftJoin(products, eq(products.id, subscriptions.productId))
		.leftJoin(customers, eq(customers.id, subscriptions.customerId))
		.where(status ? eq(subscriptions.status, status) : undefined)
		.orderBy(desc(subscriptions.createdAt))
		.limit(200);
	return { subscriptions: rows.map((r) => subscriptionView(r.sub, r.product, r.email)) };
}

/** `GET /admin/subscriptions/:id`: with its invoices and the orders they made. 404 `subscription_not_found`. */
export async function subscriptionDetail(deps: StripeDeps, id: string) {
	const [found] = await deps.db
		.select({ sub: subscriptions, product: products, email: customers.email })
		.from(subscriptions)
		.leftJoin(products, eq(products.id, subscriptions.productId))
		.leftJoin(customers, eq(customers.id, subscriptions.customerId))
		.where(eq(subscriptions.id, id))
		.limit(1);
	if (!found) throw subscriptionNotFound();
	const [bills, made] = await deps.db.batch([
		deps.db
			.select()
			.from(invoices)
			.where(eq(invoices.subscriptionId, id))
			.orderBy(desc(invoices.createdAt)),
		deps.db
			.select({
				id: orders.id,
				status: orders.status,
				amount: orders.amount,
				currency: orders.currency,
				invoiceId: orders.invoiceId,
				createdAt: orders.createdAt,
			})
			.from(orders)
			.where(eq(orders.subscriptionId, id))
			.orderBy(desc(orders.createdAt)),
	]);
	return {
		...subscriptionView(found.sub, found.product, found.email),
		shipping: found.sub.shippingLine1
			? {
					name: found.sub.shippingName,
					line1: found.sub.shippingLine1,
					line2: found.sub.shippingLine2,
					city: found.sub.shippingCity,
					postalCode: found.sub.shippingPostalCode,
					state: found.sub.shippingState,
					country: found.sub.shippingCountry,
					phone: found.sub.shippingPhone,
				}
			: null,
		invoices: bills.map((b) => ({
			id: b.id,
			status: b.status,
			amountPaid: b.amountPaid,
			amountDue: b.amountDue,
			currency: b.currency,
			minorUnits: minorUnitDigits(b.currency),
			billingReason: b.billingReason,
			hostedInvoiceUrl: b.hostedInvoiceUrl,
			periodStart: isoTime(b.periodStart),
			periodEnd: isoTime(b.periodEnd),
			paidAt: isoTime(b.paidAt),
		})),
		orders: made.map((o) => ({
			...o,
			minorUnits: minorUnitDigits(o.currency),
			createdAt: isoTime(o.createdAt),
		})),
	};
}

export const subscriptionNotFound = () =>
	new AppError("subscription_not_found", "No such subscription.");

/**
 * `POST /admin/subscriptions/:id/cancel`: at the period's end (the customer
 * keeps what they paid for) or now. Stripe's answer is stored as the
 * snapshot; its webhook says the same again.
 */
export async function cancelSubscription(
	deps: StripeDeps,
	id: string,
	atPeriodEnd: boolean,
): Promise<SubscriptionView> {
	const [found] = await deps.db
		.select({ sub: subscriptions, product: products, customer: customers })
		.from(subscriptions)
		.leftJoin(products, eq(products.id, subscriptions.productId))
		.innerJoin(customers, eq(customers.id, subscriptions.customerId))
		.where(eq(subscriptions.id, id))
		.limit(1);
	if (!found) throw subscriptionNotFound();
	if (found.sub.status === "canceled" || found.sub.status === "incomplete_expired")
		return subscriptionView(found.sub, found.product, found.customer.email);
	const retrievedAt = deps.now();
	let snapshot: Stripe.Subscription;
	try {
		snapshot = await untilStripeAnswers(() =>
			atPeriodEnd
				? deps.stripe.subscriptions.update(
						id,
						{ cancel_at_period_end: true },
						{ idempotencyKey: `subscription-${id}-cancel-at-period-end` },
					)
				: deps.stripe.subscriptions.cancel(id),
		);
	} catch (err) {
		deps.log.error("subscription cancel failed", { subscriptionId: id, ...describeError(err) });
		throw stripeUnavailable();
	}
	await storeSnapshot(
		deps,
		snapshot,
		{
			customer: found.customer,
			product: found.product,
			invoiceStatus: null,
		},
		retrievedAt,
	);
	const [after] = await deps.db.select().from(subscriptions).where(eq(subscriptions.id, id));
	deps.log.info("subscription cancel asked", { subscriptionId: id, atPeriodEnd });
	return subscriptionView(after ?? found.sub, found.product, found.customer.email);
}

/** The dashboard's figures: active subscriptions and monthly recurring revenue per currency. */
export async function recurringRevenue(deps: StripeDeps) {
	const rows = await deps.db
		.select({
			currency: subscriptions.currency,
			active: sql<number>`count(*)`,
			// A yearly plan counts a twelfth of its price each month.
			monthly: sql<number>`sum(case when ${subscriptions.interval} = 'year' then ${subscriptions.unitAmount} * ${subscriptions.quantity} / 12.0 else ${subscriptions.unitAmount} * ${subscriptions.quantity} end)`,
		})
		.from(subscriptions)
		.where(inArray(subscriptions.status, ["active", "trialing", "past_due"]))
		.groupBy(subscriptions.currency);
	return rows.map((r) => ({
		currency: r.currency,
		minorUnits: minorUnitDigits(r.currency),
		active: Number(r.active),
		monthlyRecurringRevenue: Math.round(Number(r.monthly)),
	}));
}
