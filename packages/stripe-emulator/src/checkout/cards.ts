import type { PageLanguage } from "./page-labels.ts";

/** What the card network says about a test card. */
export type CardOutcome =
	| { kind: "success"; brand: string; last4: string; funding: string }
	| {
			kind: "decline";
			last4: string;
			/** PaymentIntent `last_payment_error.code` and charge `failure_code`. */
			code: string;
			declineCode: string | null;
			message: string;
			/** `incorrect_number` never reaches the network, so no charge is made. */
			createsCharge: boolean;
	  };

type Decline = { code: string; declineCode: string | null; message: string };

// Stripe's documented test cards and the errors they produce.
const DECLINES: Record<string, Decline> = {
	"4000000000000002": {
		code: "card_declined",
		declineCode: "generic_decline",
		message: "Your card was declined.",
	},
	"4000000000009995": {
		code: "card_declined",
		declineCode: "insufficient_funds",
		message: "Your card has insufficient funds.",
	},
	"4000000000009987": {
		code: "card_declined",
		declineCode: "lost_card",
		message: "Your card was declined.",
	},
	"4000000000000069": {
		code: "expired_card",
		declineCode: "expired_card",
		message: "Your card has expired.",
	},
	"4000000000000127": {
		code: "incorrect_cvc",
		declineCode: "incorrect_cvc",
		message: "Your card's security code is incorrect.",
	},
	"4000000000000119": {
		code: "processing_error",
		declineCode: "processing_error",
		message: "An error occurred while processing your card. Try again in a little bit.",
	},
};

/** The emulator's card that succeeds. */
export const SUCCESS_CARD = "4242424242424242";

/** Stripe's other test cards that succeed, by brand (two different cards to save, say). */
const OTHER_SUCCESS_CARDS: Record<string, { brand: string; funding: string }> = {
	"4000056655665556": { brand: "visa", funding: "debit" },
	"5555555555554444": { brand: "mastercard", funding: "credit" },
	"378282246310005": { brand: "amex", funding: "credit" },
};

/** Stripe's card that can be saved (setup, attach) but whose payments are declined. */
export const ATTACH_THEN_DECLINE_CARD = "4000000000000341";

/** Removes the spaces and dashes people type into card numbers. */
export function normalizeCardNumber(input: string): string {
	return input.replace(/[\s-]/g, "");
}

/** Decides a test card's fate; anything unknown is `incorrect_number`, as an unknown card would be. */
export function cardOutcome(input: string): CardOutcome {
	const number = normalizeCardNumber(input);
	const last4 = number.slice(-4).padStart(4, "0");
	if (number === SUCCESS_CARD) return { kind: "success", brand: "visa", last4, funding: "credit" };
	const other = OTHER_SUCCESS_CARDS[number];
	if (other) return { kind: "success", last4, ...other };
	const decline =
		DECLINES[number] ?? (number === ATTACH_THEN_DECLINE_CARD ? DECLINES["4000000000000002"] : null);
	if (decline) return { kind: "decline", last4, ...decline, createsCharge: true };
	return {
		kind: "decline",
		last4,
		code: "incorrect_number",
		declineCode: null,
		message: "Your card number is incorrect.",
		createsCharge: false,
	};
}

/**
 * Whether a test card can be saved without a payment (a SetupIntent, the Billing Portal):
 * as `cardOutcome`, except 4000 0000 0000 0341, which saves and then declines its payments.
 */
export function setupOutcome(input: string): CardOutcome {
	const number = normalizeCardNumber(input);
	if (number === ATTACH_THEN_DECLINE_CARD) {
		return { kind: "success", brand: "visa", last4: number.slice(-4), funding: "credit" };
	}
	return cardOutcome(number);
}

// The decline messages in French, by `decline_code` (or `code` when there is none).
const FRENCH_DECLINES: Record<string, string> = {
	generic_decline: "Votre carte a été refusée.",
	insufficient_funds: "Les fonds de votre carte sont insuffisants.",
	lost_card: "Votre carte a été refusée.",
	expired_card: "Votre carte a expiré.",
	incorrect_cvc: "Le code de sécurité de votre carte est incorrect.",
	processing_error:
		"Une erreur est survenue lors du traitement de votre carte. Réessayez dans quelques instants.",
	incorrect_number: "Le numéro de votre carte est incorrect.",
};

/**
 * A decline as the page says it to the shopper: the API's (English) message, or its French
 * version. The API objects (`last_payment_error`, `failure_message`) keep the English one.
 */
export function declineMessage(
	decline: { code: string; declineCode: string | null; message: string },
	lang: PageLanguage,
): string {
	if (lang === "en") return decline.message;
	return FRENCH_DECLINES[decline.declineCode ?? decline.code] ?? decline.message;
}
