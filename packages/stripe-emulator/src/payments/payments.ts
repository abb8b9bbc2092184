import { invalidState } from "../api/errors.ts";
import { cardOutcome } from "../checkout/cards.ts";
import { delayedMethodFor } from "../checkout/session-object.ts";
import { sessionTotals } from "../checkout/totals.ts";
import { attachPaymentMethod, newCardPaymentMethod } from "../customers/wallet.ts";
import type { EmulatorContext } from "../state/context.ts";
import { newId } from "../state/ids.ts";
import {
	type InvoiceRecord,
	type PaymentIntentRecord,
	type PaymentMethodRecord,
	patch,
	type SessionRecord,
	type SubscriptionRecord,
} from "../state/store.ts";
import { savedCardOutcome } from "../subscriptions/billing.ts";
import { paySubscriptionSession } from "../subscriptions/checkout-subscription.ts";
import { NO_REQUEST } from "../webhooks/event-object.ts";
import { chargeSnapshot } from "./charge-object.ts";
import type { DelayedOutcome } from "./delayed-payments.ts";
import { renderPaymentIntent } from "./payment-intent-object.ts";
import {
	completeSession,
	createCharge,
	ensurePaymentIntent,
	failIntent,
} from "./payment-records.ts";

/**
 * What the shopper submitted: a card (typed, or one of the Customer's saved cards, which pays
 * as its test number does; `save` to keep a typed one), or a bank debit that settles later.
 */
export type PaymentInput =
	| {
			method: "card";
			card: string;
			email: string;
			expMonth: number;
			expYear: number;
			/** A saved card of the session's Customer: no new payment method is made. */
			savedPaymentMethodId?: string;
			/** The "Save my card" box: the card is attached to the Customer once paid. */
			save?: boolean;
	  }
	| { method: "delayed"; outcome: DelayedOutcome; email: string }
	| { method: "none"; email: string };

/** The result of one payment attempt, as the control API returns it. */
export type PaymentResult = {
	outcome: "succeeded" | "declined" | "processing";
	error: { code: string; declineCode: string | null; message: string } | null;
	session: SessionRecord;
	/** None when a discount leaves nothing to pay (`payment_status: "no_payment_required"`). */
	paymentIntent: PaymentIntentRecord | null;
	/** A subscription session's Subscription and first Invoice, once paid. */
	subscription?: SubscriptionRecord | null;
	invoice?: InvoiceRecord | null;
};

/** Runs one attempt on an open session: the hosted page's "Pay" button. */
export function attemptPayment(
	ctx: EmulatorContext,
	session: SessionRecord,
	input: PaymentInput,
): PaymentResult {
	requireOpen(session);
	// A subscription's first payment is its first invoice's.
	if (session.mode === "subscription") return paySubscriptionSession(ctx, session, input);
	// As on Stripe, a session with nothing to pay completes without a PaymentIntent.
	if (sessionTotals(session).total === 0) {
		completeSession(ctx, session, "no_payment_required", input.email);
		return { outcome: "succeeded", error: null, session, paymentIntent: null };
	}
	if (input.method === "none") {
		throw invalidState("This Checkout Session needs a payment method.", "payment_method_required");
	}
	const intent = ensurePaymentIntent(ctx, session);
	if (input.method === "delayed") return startDelayedPayment(ctx, session, intent, input);
	return payByCard(ctx, session, intent, input);
}

/** Refuses to pay or change a session that is no longer open. */
export function requireOpen(session: SessionRecord): void {
	if (session.status !== "open") {
		throw invalidState(
			`This Checkout Session is ${session.status === "expired" ? "expired" : "already complete"}.`,
			"checkout_session_not_open",
		);
	}
}

function payByCard(
	ctx: EmulatorContext,
	session: SessionRecord,
	intent: PaymentIntentRecord,
	input: Extract<PaymentInput, { method: "card" }>,
): PaymentResult {
	const saved = input.savedPaymentMethodId
		? ctx.state.paymentMethods.get(input.savedPaymentMethodId)
		: undefined;
	// A saved card pays as its number does, or declines while its Customer's cards are made to.
	const outcome = saved ? savedCardOutcome(saved) : cardOutcome(input.card);
	const method =
		saved ??
		newCardPaymentMethod(ctx, {
			number: input.card,
			expMonth: input.expMonth,
			expYear: input.expYear,
			email: input.email,
		});
	const customer = session.customerId ? ctx.state.customers.get(session.customerId) : undefined;
	// Checkout's save box confirms the PaymentIntent for reuse while the shopper is present.
	const save = !saved && input.save === true && customer !== undefined;
	intent.setupFutureUsage = save ? "on_session" : null;
	if (outcome.kind === "decline") {
		const failure = {
			code: outcome.code,
			declineCode: outcome.declineCode,
			message: outcome.message,
		};
		const charge = outcome.createsCharge
			? createCharge(ctx, intent, method, "failed", failure)
			: null;
		if (charge) ctx.emit("charge.failed", chargeSnapshot(ctx, charge), NO_REQUEST);
		failIntent(ctx, intent, {
			...failure,
			type: "card_error",
			chargeId: charge?.id ?? null,
			method,
		});
		return { outcome: "declined", error: failure, session, paymentIntent: intent };
	}
	const charge = createCharge(ctx, intent, method, "succeeded", null);
	ctx.emit("charge.succeeded", chargeSnapshot(ctx, charge), NO_REQUEST);
	patch(intent, {
		status: "succeeded",
		amountReceived: intent.amount,
		latestChargeId: charge.id,
		paymentMethod: method,
		lastPaymentError: null,
	});
	ctx.emit("payment_intent.succeeded", renderPaymentIntent(intent), NO_REQUEST);
	if (save && customer) attachPaymentMethod(ctx, method, customer, "always", NO_REQUEST);
	completeSession(ctx, session, "paid", input.email);
	return { outcome: "succeeded", error: null, session, paymentIntent: intent };
}

function startDelayedPayment(
	ctx: EmulatorContext,
	session: SessionRecord,
	intent: PaymentIntentRecord,
	input: Extract<PaymentInput, { method: "delayed" }>,
): PaymentResult {
	const method: PaymentMethodRecord = {
		id: newId("pm"),
		created: ctx.clock.now(),
		type: delayedMethodFor(session.currency),
		email: input.email,
		card: null,
	};
	ctx.state.paymentMethods.set(method.id, method);
	const charge = createCharge(ctx, intent, method, "pending", null);
	patch(intent, {
		status: "processing",
		latestChargeId: charge.id,
		paymentMethod: method,
		lastPaymentError: null,
	});
	ctx.emit("payment_intent.processing", renderPaymentIntent(intent), NO_REQUEST);
	ctx.emit("charge.pending", chargeSnapshot(ctx, charge), NO_REQUEST);
	// Checkout completes at once for bank debits; the money follows (or not) later.
	completeSession(ctx, session, "unpaid", input.email);
	ctx.delayed.schedule(intent.id, session.id, input.outcome);
	return { outcome: "processing", error: null, session, paymentIntent: intent };
}
