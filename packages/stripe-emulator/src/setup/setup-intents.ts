import { setupOutcome } from "../checkout/cards.ts";
import { sessionCustomer } from "../checkout/saved-cards.ts";
import { attachPaymentMethod, newCardPaymentMethod } from "../customers/wallet.ts";
import { completeSession } from "../payments/payment-records.ts";
import { requireOpen } from "../payments/payments.ts";
import type { EmulatorContext } from "../state/context.ts";
import { newId, randomToken } from "../state/ids.ts";
import { patch, type SessionRecord, type SetupIntentRecord } from "../state/store.ts";
import { NO_REQUEST } from "../webhooks/event-object.ts";
import { renderSetupIntent } from "./setup-intent-object.ts";

/** A card to save, as the setup page (or the control API) gives it. */
export type SetupCardInput = {
	card: string;
	expMonth: number;
	expYear: number;
	email: string;
};

/** A card saved (the SetupIntent), or declined (nothing made, nothing attached). */
export type SetupResult =
	| { outcome: "succeeded"; error: null; setupIntent: SetupIntentRecord }
	| {
			outcome: "declined";
			error: { code: string; declineCode: string | null; message: string };
			setupIntent: null;
	  };

/**
 * Saves a card on an open setup session: the card's payment method, attached to the
 * session's Customer with `allow_redisplay: always` (`payment_method.attached`); the
 * SetupIntent (`setup_intent.created`, `setup_intent.succeeded`, `usage: off_session`);
 * the session complete (`checkout.session.completed`). A declining test card makes nothing.
 */
export function saveSetupCard(
	ctx: EmulatorContext,
	session: SessionRecord,
	input: SetupCardInput,
): SetupResult {
	requireOpen(session);
	const outcome = setupOutcome(input.card);
	if (outcome.kind === "decline") {
		const { code, declineCode, message } = outcome;
		return { outcome: "declined", error: { code, declineCode, message }, setupIntent: null };
	}
	const method = newCardPaymentMethod(ctx, {
		number: input.card,
		expMonth: input.expMonth,
		expYear: input.expYear,
		email: input.email || null,
	});
	const customer = sessionCustomer(ctx, session);
	if (customer) attachPaymentMethod(ctx, method, customer, "always", NO_REQUEST);
	const id = newId("seti");
	const intent: SetupIntentRecord = {
		id,
		created: ctx.clock.now(),
		status: "requires_payment_method",
		customerId: customer?.id ?? null,
		paymentMethodId: null,
		clientSecret: `${id}_secret_${randomToken(32)}`,
		description: session.setupIntentData?.description ?? null,
		metadata: { ...session.setupIntentData?.metadata },
		usage: "off_session",
		sessionId: session.id,
	};
	ctx.state.setupIntents.set(id, intent);
	ctx.emit("setup_intent.created", renderSetupIntent(intent), NO_REQUEST);
	patch(intent, { status: "succeeded", paymentMethodId: method.id });
	ctx.emit("setup_intent.succeeded", renderSetupIntent(intent), NO_REQUEST);
	session.setupIntentId = id;
	completeSession(ctx, session, "no_payment_required", input.email);
	return { outcome: "succeeded", error: null, setupIntent: intent };
}
