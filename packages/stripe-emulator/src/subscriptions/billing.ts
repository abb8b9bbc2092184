import { formatMoney } from "shop-money";
import { type CardOutcome, cardOutcome, SUCCESS_CARD } from "../checkout/cards.ts";
import { allocate, discountAmount, taxed } from "../checkout/totals.ts";
import { previousAttributes } from "../customers/customer-object.ts";
import { renderInvoice, renderInvoicePayment } from "../invoices/invoice-object.ts";
import { chargeSnapshot } from "../payments/charge-object.ts";
import { renderPaymentIntent } from "../payments/payment-intent-object.ts";
import { createCharge, failIntent } from "../payments/payment-records.ts";
import type { EmulatorContext } from "../state/context.ts";
import { newId, randomToken } from "../state/ids.ts";
import {
	type InvoiceLineRecord,
	type InvoiceRecord,
	type PaymentIntentRecord,
	type PaymentMethodRecord,
	patch,
	type RecurringRecord,
	type SubscriptionRecord,
	type TaxBehavior,
} from "../state/store.ts";
import { taxRateFor } from "../tax/tax-rates.ts";
import { NO_REQUEST, type RequestSource } from "../webhooks/event-object.ts";
import { days } from "./periods.ts";
import { discountActive, renderSubscription } from "./subscription-object.ts";

/*
 * A subscription's invoices: made, finalized (with their PaymentIntent) and paid with the
 * subscription's card, each step with Stripe's events; failed payments retried as Stripe's
 * default retry schedule does, and what happens when the retries run out.
 */

/** Stripe's default: the first attempt and three retries, then the subscription ends (or goes unpaid). */
export const MAX_PAYMENT_ATTEMPTS = 4;
/** Days from a failed attempt to the next (after the 1st, 2nd and 3rd). */
const RETRY_DELAYS_DAYS = [3, 5, 7];

/** The subscription's time: its own clock (moved by `advance`), never behind the emulator's. */
export function subscriptionNow(ctx: EmulatorContext, sub: SubscriptionRecord): number {
	return Math.max(ctx.clock.now(), sub.clockTime);
}

/**
 * Changes a subscription and, when anything shows, emits `customer.subscription.updated`
 * with the old values in `previous_attributes`. Answers whether anything changed.
 */
export function changeSubscription(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	change: (sub: SubscriptionRecord) => void,
	source: RequestSource,
): boolean {
	const before = renderSubscription(ctx.state, sub);
	change(sub);
	const after = renderSubscription(ctx.state, sub);
	const previous = previousAttributes(before, after);
	if (!previous) return false;
	ctx.emit("customer.subscription.updated", after, source, previous);
	return true;
}

/** Ends a subscription now (`customer.subscription.deleted`); its open invoices are no longer retried. */
export function cancelSubscription(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	reason: "cancellation_requested" | "payment_failed",
	source: RequestSource,
	endedAt = subscriptionNow(ctx, sub),
): void {
	patch(sub, {
		status: "canceled",
		canceledAt: sub.canceledAt ?? endedAt,
		endedAt,
		cancellationDetails: { ...sub.cancellationDetails, reason },
	});
	for (const invoice of openInvoices(ctx, sub)) invoice.nextPaymentAttempt = null;
	ctx.emit("customer.subscription.deleted", renderSubscription(ctx.state, sub), source);
}

/** The subscription's open invoices, newest first. */
export function openInvoices(ctx: EmulatorContext, sub: SubscriptionRecord): InvoiceRecord[] {
	return [...ctx.state.invoices.values()]
		.filter((invoice) => invoice.subscriptionId === sub.id && invoice.status === "open")
		.reverse();
}

/** What an invoice bills: a price for a period. */
export type InvoiceLineSource = {
	priceId: string;
	productId: string;
	name: string;
	unitAmount: number;
	quantity: number;
	taxBehavior: TaxBehavior;
	recurring: RecurringRecord | null;
	subscriptionItemId: string | null;
	period: { start: number; end: number };
};

/** The lines a renewal bills: each subscription item for the new current period. */
export function cycleLines(ctx: EmulatorContext, sub: SubscriptionRecord): InvoiceLineSource[] {
	return sub.items.map((item) => {
		const price = ctx.state.prices.get(item.priceId);
		const product = price ? ctx.state.products.get(price.productId) : undefined;
		return {
			priceId: item.priceId,
			productId: price?.productId ?? "",
			name: product?.name ?? item.priceId,
			unitAmount: price?.unitAmount ?? 0,
			quantity: item.quantity,
			taxBehavior: price?.taxBehavior ?? "unspecified",
			recurring: sub.recurring,
			subscriptionItemId: item.id,
			period: { start: sub.currentPeriodStart, end: sub.currentPeriodEnd },
		};
	});
}

/**
 * A draft invoice for the subscription (`invoice.created`): its lines with their share of
 * the subscription's coupon (while it lasts) and the tax of its country, as Checkout
 * computes them. `period` is the invoice's `period_start`/`period_end` (for a renewal, the
 * period that just ended, as on Stripe; each line's `period` is the one it pays for).
 */
export function createInvoice(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	billingReason: InvoiceRecord["billingReason"],
	sources: InvoiceLineSource[],
	period: { start: number; end: number },
	id = newId("in"),
): InvoiceRecord {
	const at = subscriptionNow(ctx, sub);
	const amounts = sources.map((line) => line.unitAmount * line.quantity);
	const subtotal = amounts.reduce((sum, amount) => sum + amount, 0);
	const discount = sub.discount && discountActive(sub) ? sub.discount : null;
	const discountTotal = discountAmount(discount, subtotal);
	const shares = allocate(discountTotal, amounts);
	const rate = sub.automaticTax ? taxRateFor(sub.taxCountry) : 0;
	const lines: InvoiceLineRecord[] = sources.map((line, index) => {
		const amount = amounts[index] ?? 0;
		const totals = taxed(amount, shares[index] ?? 0, line.taxBehavior, rate);
		return {
			id: newId("il"),
			description: lineDescription(line, sub.currency),
			priceId: line.priceId,
			productId: line.productId,
			unitAmount: line.unitAmount,
			quantity: line.quantity,
			amount,
			discount: totals.discount,
			tax: totals.tax,
			taxBehavior: line.taxBehavior,
			periodStart: line.period.start,
			periodEnd: line.period.end,
			subscriptionItemId: line.subscriptionItemId,
		};
	});
	const invoice: InvoiceRecord = {
		id,
		created: at,
		number: null,
		customerId: sub.customerId,
		subscriptionId: sub.id,
		subscriptionMetadata: { ...sub.metadata },
		billingReason,
		status: "draft",
		currency: sub.currency,
		lines,
		subtotal,
		discount: discountTotal,
		tax: lines.reduce((sum, line) => sum + line.tax, 0),
		total: lines.reduce(
			(sum, line) =>
				sum + line.amount - line.discount + (line.taxBehavior === "inclusive" ? 0 : line.tax),
			0,
		),
		amountPaid: 0,
		discountId: discount && discountTotal > 0 ? discount.id : null,
		taxCountry: sub.automaticTax ? sub.taxCountry : null,
		automaticTax: sub.automaticTax,
		periodStart: period.start,
		periodEnd: period.end,
		attemptCount: 0,
		nextPaymentAttempt: null,
		paymentIntentId: null,
		payments: [],
		finalizedAt: null,
		paidAt: null,
		markedUncollectibleAt: null,
		voidedAt: null,
		customerEmail: null,
		customerName: null,
		customerPhone: null,
		customerAddress: null,
		customerShipping: null,
		origin: ctx.origin,
	};
	ctx.state.invoices.set(invoice.id, invoice);
	ctx.emit("invoice.created", renderInvoice(invoice), NO_REQUEST);
	return invoice;
}

// "1 × Beans club (at $30.00 / month)", as Stripe describes a subscription line.
function lineDescription(line: InvoiceLineSource, currency: string): string {
	if (!line.recurring) return line.name;
	const { interval, intervalCount } = line.recurring;
	const every = intervalCount === 1 ? `/ ${interval}` : `every ${intervalCount} ${interval}s`;
	return `${line.quantity} × ${line.name} (at ${formatMoney(line.unitAmount, currency)} ${every})`;
}

/**
 * Finalizes a draft (`invoice.finalized`): its number, the Customer's details as they are
 * now, and the PaymentIntent that will collect it (`payment_intent.created`), unless there
 * is nothing to pay.
 */
export function finalizeInvoice(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	invoice: InvoiceRecord,
): PaymentIntentRecord | null {
	const at = subscriptionNow(ctx, sub);
	const customer = ctx.state.customers.get(invoice.customerId);
	const sequence = customer?.nextInvoiceSequence ?? 1;
	if (customer) customer.nextInvoiceSequence = sequence + 1;
	const shipping = sub.shipping
		? { name: sub.shipping.name, address: { ...sub.shipping.address }, phone: sub.shipping.phone }
		: (customer?.shipping ?? null);
	patch(invoice, {
		status: "open",
		number: `${customer?.invoicePrefix ?? "EMULATOR"}-${String(sequence).padStart(4, "0")}`,
		finalizedAt: at,
		customerEmail: customer?.email ?? null,
		customerName: customer?.name ?? null,
		customerPhone: customer?.phone ?? null,
		customerAddress: customer?.address ?? null,
		customerShipping: shipping,
	});
	let intent: PaymentIntentRecord | null = null;
	if (invoice.total > 0) {
		const id = newId("pi");
		intent = {
			id,
			shipping: null,
			created: at,
			amount: invoice.total,
			amountReceived: 0,
			currency: invoice.currency,
			status: "requires_payment_method",
			metadata: {},
			description:
				invoice.billingReason === "subscription_create"
					? "Subscription creation"
					: "Subscription update",
			receiptEmail: null,
			clientSecret: `${id}_secret_${randomToken(25)}`,
			paymentMethodTypes: ["card"],
			latestChargeId: null,
			paymentMethod: null,
			lastPaymentError: null,
			canceledAt: null,
			cancellationReason: null,
			sessionId: null,
			invoiceId: invoice.id,
			customerId: invoice.customerId,
			setupFutureUsage: invoice.billingReason === "subscription_create" ? "off_session" : null,
		};
		ctx.state.paymentIntents.set(id, intent);
		invoice.paymentIntentId = id;
		invoice.payments.push({
			id: newId("inpay"),
			created: at,
			paymentIntentId: id,
			amountRequested: invoice.total,
			amountPaid: null,
			status: "open",
			paidAt: null,
			canceledAt: null,
		});
	}
	ctx.emit("invoice.finalized", renderInvoice(invoice), NO_REQUEST);
	if (intent) ctx.emit("payment_intent.created", renderPaymentIntent(intent), NO_REQUEST);
	return intent;
}

/** The card a subscription's invoices are paid with: its own default, else its Customer's. */
export function billingPaymentMethod(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
): PaymentMethodRecord | null {
	const customer = ctx.state.customers.get(sub.customerId);
	for (const id of [sub.defaultPaymentMethodId, customer?.defaultPaymentMethodId]) {
		const method = id ? ctx.state.paymentMethods.get(id) : undefined;
		if (method?.card && method.customerId === sub.customerId) return method;
	}
	return null;
}

const DECLINED: Extract<CardOutcome, { kind: "decline" }> = {
	kind: "decline",
	last4: "0000",
	code: "card_declined",
	declineCode: "generic_decline",
	message: "Your card was declined.",
	createsCharge: true,
};

/**
 * What charging a saved card does: declined while the control API says its Customer's cards
 * decline, else as its test number does.
 */
export function savedCardOutcome(method: PaymentMethodRecord): CardOutcome {
	if (method.declining) return { ...DECLINED, last4: method.card?.last4 ?? "0000" };
	return cardOutcome(method.cardNumber ?? SUCCESS_CARD);
}

/** One payment attempt's result. */
export type AttemptResult =
	| { outcome: "paid" }
	| { outcome: "failed"; error: { code: string; declineCode: string | null; message: string } };

/**
 * One attempt to pay an open invoice with `method`: a charge on its PaymentIntent. Paid:
 * `charge.succeeded`, `payment_intent.succeeded`, `invoice.paid`, `invoice.payment_succeeded`,
 * `invoice_payment.paid`. Declined: `charge.failed`, `payment_intent.payment_failed`,
 * `invoice.payment_failed` (with `attempt_count` and `next_payment_attempt`).
 */
export function attemptInvoicePayment(
	ctx: EmulatorContext,
	sub: SubscriptionRecord,
	invoice: InvoiceRecord,
	method: PaymentMethodRecord | null,
): AttemptResult {
	const at = subscriptionNow(ctx, sub);
	const intent = invoice.paymentIntentId
		? ctx.state.paymentIntents.get(invoice.paymentIntentId)
		: undefined;
	// Nothing to pay (a coupon covers it): paid without a PaymentIntent.
	if (!intent) {
		markPaid(ctx, invoice, at);
		return { outcome: "paid" };
	}
	invoice.attemptCount += 1;
	if (!method) {
		const error = {
			code: "payment_method_required",
			declineCode: null,
			message: "The customer has no payment method to pay this invoice with.",
		};
		failInvoice(ctx, invoice, at);
		return { outcome: "failed", error };
	}
	const outcome = savedCardOutcome(method);
	if (outcome.kind === "decline") {
		const failure = {
			code: outcome.code,
			declineCode: outcome.declineCode,
			message: outcome.message,
		};
		const charge = outcome.createsCharge
			? createCharge(ctx, intent, method, "failed", failure)
			: null;
		if (charge) {
			charge.created = at;
			ctx.emit("charge.failed", chargeSnapshot(ctx, charge), NO_REQUEST);
		}
		failIntent(ctx, intent, {
			...failure,
			type: "card_error",
			chargeId: charge?.id ?? null,
			method,
		});
		failInvoice(ctx, invoice, at);
		return { outcome: "failed", error: failure };
	}
	const charge = createCharge(ctx, intent, method, "succeeded", null);
	charge.created = at;
	ctx.emit("charge.succeeded", chargeSnapshot(ctx, charge), NO_REQUEST);
	patch(intent, {
		status: "succeeded",
		amountReceived: intent.amount,
		latestChargeId: charge.id,
		paymentMethod: method,
		lastPaymentError: null,
	});
	ctx.emit("payment_intent.succeeded", renderPaymentIntent(intent), NO_REQUEST);
	markPaid(ctx, invoice, at);
	return { outcome: "paid" };
}

function markPaid(ctx: EmulatorContext, invoice: InvoiceRecord, at: number): void {
	patch(invoice, {
		status: "paid",
		amountPaid: invoice.total,
		paidAt: at,
		nextPaymentAttempt: null,
	});
	const payment = invoice.payments.find((item) => item.status === "open");
	if (payment) patch(payment, { status: "paid", amountPaid: payment.amountRequested, paidAt: at });
	ctx.emit("invoice.paid", renderInvoice(invoice), NO_REQUEST);
	ctx.emit("invoice.payment_succeeded", renderInvoice(invoice), NO_REQUEST);
	if (payment) {
		ctx.emit("invoice_payment.paid", renderInvoicePayment(invoice, payment), NO_REQUEST);
	}
}

// A failed attempt: the invoice stays open; the next retry is scheduled while attempts remain.
function failInvoice(ctx: EmulatorContext, invoice: InvoiceRecord, at: number): void {
	const delay = RETRY_DELAYS_DAYS[invoice.attemptCount - 1];
	invoice.nextPaymentAttempt =
		invoice.attemptCount < MAX_PAYMENT_ATTEMPTS && delay !== undefined ? at + days(delay) : null;
	ctx.emit("invoice.payment_failed", renderInvoice(invoice), NO_REQUEST);
}
