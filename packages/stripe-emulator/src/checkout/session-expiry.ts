import { invalidState } from "../api/errors.ts";
import { renderPaymentIntent } from "../payments/payment-intent-object.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { SessionRecord } from "../state/store.ts";
import { NO_REQUEST, type RequestSource } from "../webhooks/event-object.ts";
import { renderSession } from "./session-object.ts";

/** Expires an open session (API call, control API or the clock); refuses any other state as Stripe does. */
export function expireSession(
	ctx: EmulatorContext,
	session: SessionRecord,
	source: RequestSource,
): void {
	if (session.status !== "open") {
		throw invalidState("This Checkout Session is not in an expirable state.");
	}
	session.status = "expired";
	const intent = session.paymentIntentId
		? ctx.state.paymentIntents.get(session.paymentIntentId)
		: undefined;
	// An open session's PaymentIntent can only be awaiting a payment method; expiry cancels it.
	if (intent && intent.status === "requires_payment_method") {
		intent.status = "canceled";
		intent.canceledAt = ctx.clock.now();
		intent.cancellationReason = "abandoned";
		ctx.emit("payment_intent.canceled", renderPaymentIntent(intent), source);
	}
	ctx.emit("checkout.session.expired", renderSession(session), source);
}

/** Expires every open session whose `expires_at` has passed on the emulator clock; returns their ids. */
export function expireDueSessions(ctx: EmulatorContext): string[] {
	const now = ctx.clock.now();
	const expired: string[] = [];
	for (const session of ctx.state.sessions.values()) {
		if (session.status === "open" && session.expiresAt <= now) {
			expireSession(ctx, session, NO_REQUEST);
			expired.push(session.id);
		}
	}
	return expired;
}
