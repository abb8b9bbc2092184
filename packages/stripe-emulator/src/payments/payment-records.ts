import { renderSession, sessionPaymentMethodTypes } from "../checkout/session-object.ts";
import { sessionTotals } from "../checkout/totals.ts";
import { changeCustomer } from "../customers/wallet.ts";
import type { EmulatorContext } from "../state/context.ts";
import { newId, randomToken } from "../state/ids.ts";
import {
	type ChargeRecord,
	type PaymentIntentRecord,
	type PaymentMethodRecord,
	patch,
	type SessionRecord,
} from "../state/store.ts";
import { NO_REQUEST } from "../webhooks/event-object.ts";
import { renderPaymentIntent } from "./payment-intent-object.ts";

/** The session's PaymentIntent, created (with `payment_intent.created`) on the first attempt. */
export function ensurePaymentIntent(
	ctx: EmulatorContext,
	session: SessionRecord,
): PaymentIntentRecord {
	// Since API 2022-08-01 the PaymentIntent only exists once the shopper first tries to pay,
	// and later attempts in the same session reuse it.
	const amount = sessionTotals(session).total;
	const shipping = session.shippingDetails
		? { ...session.shippingDetails, phone: session.customerPhone }
		: null;
	const existing = session.paymentIntentId && ctx.state.paymentIntents.get(session.paymentIntentId);
	// A new address, shipping option or code between attempts changes what is due, as on Stripe.
	if (existing) {
		patch(existing, { amount, shipping });
		return existing;
	}
	const id = newId("pi");
	const intent: PaymentIntentRecord = {
		id,
		shipping,
		created: ctx.clock.now(),
		amount,
		amountReceived: 0,
		currency: session.currency,
		status: "requires_payment_method",
		metadata: { ...session.paymentIntentData.metadata },
		description: session.paymentIntentData.description,
		receiptEmail: session.paymentIntentData.receiptEmail,
		clientSecret: `${id}_secret_${randomToken(25)}`,
		paymentMethodTypes: sessionPaymentMethodTypes(session.currency),
		latestChargeId: null,
		paymentMethod: null,
		lastPaymentError: null,
		canceledAt: null,
		cancellationReason: null,
		sessionId: session.id,
		customerId: session.customerId ?? null,
		setupFutureUsage: null,
	};
	ctx.state.paymentIntents.set(id, intent);
	session.paymentIntentId = id;
	ctx.emit("payment_intent.created", renderPaymentIntent(intent), NO_REQUEST);
	return intent;
}

/** Puts a PaymentIntent back to `requires_payment_method` with `last_payment_error`, emitting `payment_failed`. */
export function failIntent(
	ctx: EmulatorContext,
	intent: PaymentIntentRecord,
	error: {
		type: "card_error" | "invalid_request_error";
		code: string;
		declineCode: string | null;
		message: string;
		chargeId: string | null;
		method: PaymentMethodRecord;
	},
): void {
	patch(intent, {
		status: "requires_payment_method",
		latestChargeId: error.chargeId ?? intent.latestChargeId,
		paymentMethod: null,
		lastPaymentError: {
			type: error.type,
			code: error.code,
			declineCode: error.declineCode,
			message: error.message,
			chargeId: error.chargeId,
			paymentMethod: error.method,
		},
	});
	ctx.emit("payment_intent.payment_failed", renderPaymentIntent(intent), NO_REQUEST);
}

/** Records a charge for an attempt on a PaymentIntent. */
export function createCharge(
	ctx: EmulatorContext,
	intent: PaymentIntentRecord,
	method: PaymentMethodRecord,
	status: ChargeRecord["status"],
	failure: ChargeRecord["failure"],
): ChargeRecord {
	const charge: ChargeRecord = {
		id: newId("ch"),
		created: ctx.clock.now(),
		amount: intent.amount,
		currency: intent.currency,
		status,
		paymentIntentId: intent.id,
		paymentMethod: method,
		failure,
		amountRefunded: 0,
		refundIds: [],
		balanceTransaction: status === "succeeded" ? newId("txn") : null,
		metadata: { ...intent.metadata },
		receiptEmail: intent.receiptEmail,
	};
	ctx.state.charges.set(charge.id, charge);
	return charge;
}

/**
 * Completes a session (paid, processing bank debit, or nothing to pay) with what the shopper
 * gave, counts the redemption of its promotion code and coupon, and emits `checkout.session.completed`.
 */
export function completeSession(
	ctx: EmulatorContext,
	session: SessionRecord,
	paymentStatus: SessionRecord["paymentStatus"],
	email: string,
): void {
	patch(session, { status: "complete", paymentStatus, customerDetailsEmail: email });
	updateSessionCustomer(ctx, session, email);
	const { discount } = session;
	if (discount) {
		const coupon = ctx.state.coupons.get(discount.couponId);
		if (coupon) coupon.timesRedeemed += 1;
		const promo = discount.promotionCodeId
			? ctx.state.promotionCodes.get(discount.promotionCodeId)
			: undefined;
		if (promo) promo.timesRedeemed += 1;
	}
	ctx.emit("checkout.session.completed", renderSession(session), NO_REQUEST);
}

/**
 * What a completed session writes back onto its Customer (`customer.updated`): the email
 * typed when the Customer had none, as Stripe does, and with `customer_update` `auto` the
 * shipping details, the address (the page's billing address is the shipping address) and
 * the name.
 */
export function updateSessionCustomer(
	ctx: EmulatorContext,
	session: SessionRecord,
	email: string,
): void {
	const customer = session.customerId ? ctx.state.customers.get(session.customerId) : undefined;
	if (!customer) return;
	const update = session.customerUpdate;
	const details = session.shippingDetails;
	changeCustomer(
		ctx,
		customer,
		(c) => {
			if (!c.email && email) c.email = email;
			if (!details || !update) return;
			if (update.shipping === "auto") {
				c.shipping = {
					name: details.name,
					address: { ...details.address },
					phone: session.customerPhone,
				};
			}
			if (update.address === "auto") c.address = { ...details.address };
			if (update.name === "auto") c.name = details.name;
		},
		NO_REQUEST,
	);
}
