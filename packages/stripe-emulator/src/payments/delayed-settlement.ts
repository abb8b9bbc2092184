import { renderSession } from "../checkout/session-object.ts";
import type { EmulatorContext } from "../state/context.ts";
import { newId } from "../state/ids.ts";
import { patch } from "../state/store.ts";
import { NO_REQUEST } from "../webhooks/event-object.ts";
import { chargeSnapshot } from "./charge-object.ts";
import type { DelayedOutcome } from "./delayed-payments.ts";
import { renderPaymentIntent } from "./payment-intent-object.ts";
import { failIntent } from "./payment-records.ts";

/** Ends a bank debit: the money arrives (`async_payment_succeeded`) or not (`async_payment_failed`). */
export function settleDelayedPayment(
	ctx: EmulatorContext,
	paymentIntentId: string,
	outcome: DelayedOutcome,
): void {
	const intent = ctx.state.paymentIntents.get(paymentIntentId);
	const charge = intent?.latestChargeId ? ctx.state.charges.get(intent.latestChargeId) : undefined;
	const session = intent?.sessionId ? ctx.state.sessions.get(intent.sessionId) : undefined;
	if (!intent || !charge || !session || intent.status !== "processing") return;
	if (outcome === "success") {
		patch(charge, { status: "succeeded", balanceTransaction: newId("txn") });
		ctx.emit("charge.succeeded", chargeSnapshot(ctx, charge), NO_REQUEST);
		patch(intent, { status: "succeeded", amountReceived: intent.amount });
		ctx.emit("payment_intent.succeeded", renderPaymentIntent(intent), NO_REQUEST);
		session.paymentStatus = "paid";
		ctx.emit("checkout.session.async_payment_succeeded", renderSession(session), NO_REQUEST);
		return;
	}
	// Approximates a bank's refusal; Stripe's exact codes vary by bank debit method.
	const failure = {
		code: "insufficient_funds",
		declineCode: null,
		message: "The customer's account has insufficient funds to cover this payment.",
	};
	patch(charge, { status: "failed", failure });
	ctx.emit("charge.failed", chargeSnapshot(ctx, charge), NO_REQUEST);
	const method = charge.paymentMethod;
	failIntent(ctx, intent, {
		...failure,
		type: "invalid_request_error",
		chargeId: charge.id,
		method,
	});
	ctx.emit("checkout.session.async_payment_failed", renderSession(session), NO_REQUEST);
}
