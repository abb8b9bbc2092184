import { checkPromotionCode } from "../discounts/promotion-codes.ts";
import { attemptPayment, type PaymentInput, type PaymentResult } from "../payments/payments.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { SessionRecord } from "../state/store.ts";
import { type CardFormFields, cardMessages, emailProblem, validateCardForm } from "./card-form.ts";
import { declineMessage } from "./cards.ts";
import { pageTotals } from "./checkout-page.ts";
import { labelsFor, type PageLanguage } from "./page-labels.ts";
import { offeredCard, sessionWallet } from "./saved-cards.ts";
import { checkShippingInput, type ShippingInput } from "./shipping-details.ts";
import { sessionTotals } from "./totals.ts";

/*
 * The steps the hosted page (`POST /pay/:id`) and the Stripe.js stand-in (`/js/checkout/:id/…`)
 * share, so both check and pay a session the same way.
 */

/** Applies a promotion code the shopper typed; the message (in `lang`) says why not. */
export function applyPromotionCode(
	ctx: EmulatorContext,
	session: SessionRecord,
	code: string,
	lang: PageLanguage,
): { ok: true } | { ok: false; message: string } {
	const subtotal = sessionTotals(session).subtotal;
	const check = checkPromotionCode(ctx.state, session, code, subtotal, ctx.clock.now());
	if (!check.ok) return { ok: false, message: labelsFor(lang).codeInvalid };
	session.discount = check.discount;
	return { ok: true };
}

/** What the shopper submits to pay: the card form, the shipping step, the terms' box. */
export type SubmittedPayment = {
	fields: CardFormFields;
	shipping: ShippingInput;
	termsAccepted: boolean;
	/** One of the Customer's saved cards (`pm_…`) chosen instead of typing one. */
	savedPaymentMethod?: string | null;
	/** The "Save my card for future purchases" box, for a typed card. */
	saveCard?: boolean;
};

/** Paid (or a bank debit processing), or why not: a form problem or a decline, about `field`. */
export type SubmitOutcome =
	| { ok: true; result: PaymentResult }
	| {
			ok: false;
			kind: "invalid" | "declined";
			/** The page's id of the field the message is about (`card-number`, `shipping-city`, `terms`…). */
			field: string;
			message: string;
			decline: { code: string; declineCode: string | null } | null;
	  };

/**
 * Pay: the terms (when asked), the card form (with the email), the shipping step, each
 * checked before anything is charged; then one payment attempt with what was given, which
 * is kept on the session. Messages in `lang`.
 */
export function submitPayment(
	ctx: EmulatorContext,
	session: SessionRecord,
	submitted: SubmittedPayment,
	lang: PageLanguage,
): SubmitOutcome {
	const invalid = (field: string, message: string): SubmitOutcome => ({
		ok: false,
		kind: "invalid",
		field,
		message,
		decline: null,
	});
	// As Stripe's page: the terms' box, when asked, must be ticked before anything is charged.
	if (session.terms && !submitted.termsAccepted) {
		return invalid("terms", labelsFor(lang).termsRequired);
	}
	const totals = pageTotals(session, { error: null, values: { shipping: submitted.shipping } });
	// A subscription always takes a card, for its renewals, even when nothing is due today.
	const paymentRequired = totals.total > 0 || session.mode === "subscription";
	const checked = paymentInput(ctx, session, submitted, paymentRequired, lang);
	if (!checked.ok) return invalid(checked.field, checked.message);
	const contact = checkShippingInput(session, submitted.shipping, lang);
	if (!contact.ok) return invalid(contact.field, contact.message);
	session.shippingDetails = contact.details;
	session.customerPhone = contact.phone;
	if (session.terms) session.terms.accepted = true;
	const result = attemptPayment(ctx, session, checked.input);
	if (result.outcome !== "declined") return { ok: true, result };
	const decline = result.error ?? { code: "card_declined", declineCode: null, message: "" };
	const savedId = checked.input.method === "card" ? checked.input.savedPaymentMethodId : undefined;
	return {
		ok: false,
		kind: "declined",
		field: savedId ? savedCardField(ctx, session, savedId) : declinedField(decline.code),
		message: declineMessage(decline, lang),
		decline: { code: decline.code, declineCode: decline.declineCode },
	};
}

/**
 * The card form made a payment attempt: a saved card of the Customer (only the email is
 * checked), or the typed card, saved once paid when the box was ticked and the session offers it.
 */
function paymentInput(
	ctx: EmulatorContext,
	session: SessionRecord,
	submitted: SubmittedPayment,
	paymentRequired: boolean,
	lang: PageLanguage,
): { ok: true; input: PaymentInput } | { ok: false; field: string; message: string } {
	const now = new Date(ctx.clock.now() * 1000);
	const savedId = submitted.savedPaymentMethod;
	if (savedId && paymentRequired) {
		const email = submitted.fields.email.trim();
		if (emailProblem(email)) {
			return { ok: false, field: "email", message: cardMessages(lang).emailInvalid };
		}
		const saved = offeredCard(ctx, session, savedId);
		if (!saved?.card || !saved.cardNumber) {
			return { ok: false, field: "method-card", message: labelsFor(lang).savedCardUnavailable };
		}
		return {
			ok: true,
			input: {
				method: "card",
				card: saved.cardNumber,
				email,
				expMonth: saved.card.expMonth,
				expYear: saved.card.expYear,
				savedPaymentMethodId: saved.id,
			},
		};
	}
	const checked = validateCardForm(submitted.fields, now, paymentRequired, lang);
	if (!checked.ok || checked.input.method !== "card") return checked;
	const save = submitted.saveCard === true && sessionWallet(ctx, session).offerSave;
	return { ok: true, input: { ...checked.input, save } };
}

/** The page's id of a saved card's radio (`saved-card-0`, …). */
export function savedCardField(ctx: EmulatorContext, session: SessionRecord, id: string): string {
	const index = sessionWallet(ctx, session).cards.findIndex((card) => card.id === id);
	return index === -1 ? "method-card" : `saved-card-${index}`;
}

/** The card field a decline is about (`card-cvc`, `card-expiry`, else `card-number`). */
export function declinedField(code: string): string {
	if (code === "incorrect_cvc") return "card-cvc";
	if (code === "expired_card") return "card-expiry";
	return "card-number";
}
