import { checkPromotionCode } from "../discounts/promotion-codes.ts";
import { attemptPayment, type PaymentResult } from "../payments/payments.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { SessionRecord } from "../state/store.ts";
import { type CardFormFields, validateCardForm } from "./card-form.ts";
import { declineMessage } from "./cards.ts";
import { pageTotals } from "./checkout-page.ts";
import { labelsFor, type PageLanguage } from "./page-labels.ts";
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
	const now = new Date(ctx.clock.now() * 1000);
	const checked = validateCardForm(submitted.fields, now, totals.total > 0, lang);
	if (!checked.ok) return invalid(checked.field, checked.message);
	const contact = checkShippingInput(session, submitted.shipping, lang);
	if (!contact.ok) return invalid(contact.field, contact.message);
	session.shippingDetails = contact.details;
	session.customerPhone = contact.phone;
	if (session.terms) session.terms.accepted = true;
	const result = attemptPayment(ctx, session, checked.input);
	if (result.outcome !== "declined") return { ok: true, result };
	const decline = result.error ?? { code: "card_declined", declineCode: null, message: "" };
	return {
		ok: false,
		kind: "declined",
		field: declinedField(decline.code),
		message: declineMessage(decline, lang),
		decline: { code: decline.code, declineCode: decline.declineCode },
	};
}

// Point the shopper at the field the decline is about.
function declinedField(code: string): string {
	if (code === "incorrect_cvc") return "card-cvc";
	if (code === "expired_card") return "card-expiry";
	return "card-number";
}
