import { invalidState } from "../api/errors.ts";
import { cardOutcome } from "../checkout/cards.ts";
import { sessionTotals } from "../checkout/totals.ts";
import { attachPaymentMethod, newCardPaymentMethod } from "../customers/wallet.ts";
import { completeSession, updateSessionCustomer } from "../payments/payment-records.ts";
import type { PaymentInput, PaymentResult } from "../payments/payments.ts";
import type { EmulatorContext } from "../state/context.ts";
import { newId } from "../state/ids.ts";
import type {
	RecurringRecord,
	SessionRecord,
	SubscriptionDiscountRecord,
	SubscriptionRecord,
} from "../state/store.ts";
import { NO_REQUEST } from "../webhooks/event-object.ts";
import {
	attemptInvoicePayment,
	changeSubscription,
	createInvoice,
	finalizeInvoice,
	type InvoiceLineSource,
	savedCardOutcome,
} from "./billing.ts";
import { periodBoundary } from "./periods.ts";
import { renderSubscription } from "./subscription-object.ts";

/**
 * Pays a `mode=subscription` session with a card (typed, or one of the Customer's saved
 * cards). A decline changes nothing and makes nothing (no subscription, no event). A good
 * card makes, in Stripe's order: `customer.updated` (with `customer_update`),
 * `payment_method.attached` (a typed card, `allow_redisplay: "always"`),
 * `customer.subscription.created` (incomplete), `invoice.created`, `invoice.finalized`,
 * `payment_intent.created`, `charge.succeeded`, `payment_intent.succeeded`, `invoice.paid`,
 * `invoice.payment_succeeded`, `invoice_payment.paid`, `customer.subscription.updated`
 * (incomplete → active) and `checkout.session.completed`.
 */
export function paySubscriptionSession(
	ctx: EmulatorContext,
	session: SessionRecord,
	input: PaymentInput,
): PaymentResult {
	if (input.method !== "card") {
		throw invalidState(
			"A subscription Checkout Session is paid by card (the emulator offers no bank debit for subscriptions).",
			"payment_method_required",
		);
	}
	const customer = session.customerId ? ctx.state.customers.get(session.customerId) : undefined;
	if (!customer) {
		throw invalidState("This Checkout Session's customer no longer exists.", "resource_missing");
	}
	const saved = input.savedPaymentMethodId
		? ctx.state.paymentMethods.get(input.savedPaymentMethodId)
		: undefined;
	const outcome = saved ? savedCardOutcome(saved) : cardOutcome(input.card);
	if (outcome.kind === "decline") {
		const error = {
			code: outcome.code,
			declineCode: outcome.declineCode,
			message: outcome.message,
		};
		return { outcome: "declined", error, session, paymentIntent: null };
	}
	updateSessionCustomer(ctx, session, input.email);
	const method =
		saved ??
		newCardPaymentMethod(ctx, {
			number: input.card,
			expMonth: input.expMonth,
			expYear: input.expYear,
			email: input.email,
		});
	if (!saved) attachPaymentMethod(ctx, method, customer, "always", NO_REQUEST);
	const sub = newSubscription(ctx, session, customer.id, method.id);
	const invoiceId = newId("in");
	sub.latestInvoiceId = invoiceId;
	ctx.state.subscriptions.set(sub.id, sub);
	ctx.emit("customer.subscription.created", renderSubscription(ctx.state, sub), NO_REQUEST);
	const invoice = createInvoice(
		ctx,
		sub,
		"subscription_create",
		checkoutLines(session, sub),
		{ start: sub.created, end: sub.created },
		invoiceId,
	);
	const intent = finalizeInvoice(ctx, sub, invoice);
	attemptInvoicePayment(ctx, sub, invoice, method);
	changeSubscription(
		ctx,
		sub,
		(s) => {
			s.status = "active";
		},
		NO_REQUEST,
	);
	session.subscriptionId = sub.id;
	session.invoiceId = invoice.id;
	// A coupon covering the first invoice leaves nothing to pay today (the card is saved anyway).
	completeSession(ctx, session, invoice.total > 0 ? "paid" : "no_payment_required", input.email);
	return {
		outcome: "succeeded",
		error: null,
		session,
		paymentIntent: intent,
		subscription: sub,
		invoice,
	};
}

/** The recurring line items' interval (the session was refused unless they share one). */
function sessionRecurring(session: SessionRecord): RecurringRecord {
	const recurring = session.lineItems.find((item) => item.recurring)?.recurring;
	return recurring ?? { interval: "month", intervalCount: 1 };
}

function newSubscription(
	ctx: EmulatorContext,
	session: SessionRecord,
	customerId: string,
	paymentMethodId: string,
): SubscriptionRecord {
	const now = ctx.clock.now();
	const recurring = sessionRecurring(session);
	const periodEnd = periodBoundary(now, recurring, 1);
	return {
		id: newId("sub"),
		created: now,
		customerId,
		status: "incomplete",
		currency: session.currency,
		items: session.lineItems
			.filter((item) => item.recurring)
			.map((item) => ({
				id: newId("si", 14),
				created: now,
				priceId: item.priceId,
				quantity: item.quantity,
				metadata: {},
			})),
		recurring,
		billingCycleAnchor: now,
		periodIndex: 0,
		currentPeriodStart: now,
		currentPeriodEnd: periodEnd,
		clockTime: now,
		defaultPaymentMethodId: paymentMethodId,
		latestInvoiceId: null,
		metadata: { ...(session.subscriptionData?.metadata ?? {}) },
		description: session.subscriptionData?.description ?? null,
		cancelAtPeriodEnd: false,
		cancelAt: null,
		canceledAt: null,
		endedAt: null,
		cancellationDetails: { comment: null, feedback: null, reason: null },
		discount: subscriptionDiscount(ctx, session, now, periodEnd),
		automaticTax: session.automaticTax,
		taxCountry: sessionTotals(session).taxCountry,
		shipping: session.shippingDetails
			? { ...session.shippingDetails, phone: session.customerPhone }
			: null,
		sessionId: session.id,
	};
}

/**
 * The session's coupon on the subscription, for as long as its `duration` says: `once` the
 * first period, `repeating` its months, `forever` always.
 */
function subscriptionDiscount(
	ctx: EmulatorContext,
	session: SessionRecord,
	now: number,
	firstPeriodEnd: number,
): SubscriptionDiscountRecord | null {
	const applied = session.discount;
	if (!applied) return null;
	const coupon = ctx.state.coupons.get(applied.couponId);
	const duration = coupon?.duration ?? "once";
	const end =
		duration === "forever"
			? null
			: duration === "once"
				? firstPeriodEnd
				: periodBoundary(
						now,
						{ interval: "month", intervalCount: 1 },
						coupon?.durationInMonths ?? 1,
					);
	return {
		id: `di_${session.id.slice(-24)}`,
		couponId: applied.couponId,
		promotionCodeId: applied.promotionCodeId,
		percentOff: applied.percentOff,
		amountOff: applied.amountOff,
		duration,
		end,
		start: now,
	};
}

// The first invoice bills every line item: the recurring ones for the first period, the
// one-time ones once.
function checkoutLines(session: SessionRecord, sub: SubscriptionRecord): InvoiceLineSource[] {
	return session.lineItems.map((item) => {
		const subItem = item.recurring
			? sub.items.find((candidate) => candidate.priceId === item.priceId)
			: undefined;
		return {
			priceId: item.priceId,
			productId: item.productId,
			name: item.name,
			unitAmount: item.unitAmount,
			quantity: item.quantity,
			taxBehavior: item.taxBehavior,
			recurring: item.recurring ?? null,
			subscriptionItemId: subItem?.id ?? null,
			period: subItem
				? { start: sub.currentPeriodStart, end: sub.currentPeriodEnd }
				: { start: sub.created, end: sub.created },
		};
	});
}
