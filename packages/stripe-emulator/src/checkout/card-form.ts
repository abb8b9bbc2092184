import type { PaymentInput } from "../payments/payments.ts";
import { normalizeCardNumber, SUCCESS_CARD } from "./cards.ts";
import type { PageLanguage } from "./page-labels.ts";

/** The hosted page's form fields, as posted. */
export type CardFormFields = {
	email: string;
	method: string;
	cardNumber: string;
	cardExpiry: string;
	cardCvc: string;
};

export type CardFormResult =
	| { ok: true; input: PaymentInput }
	| { ok: false; field: "email" | "card-number" | "card-expiry" | "card-cvc"; message: string };

const MESSAGES = {
	en: {
		emailInvalid: "Your email address is invalid.",
		emailIncomplete: "Your email address is incomplete.",
		numberIncomplete: "Your card number is incomplete.",
		expiryIncomplete: "Your card's expiration date is incomplete.",
		expiryPast: "Your card's expiration date is in the past.",
		cvcIncomplete: "Your card's security code is incomplete.",
	},
	fr: {
		emailInvalid: "Votre adresse e-mail n'est pas valide.",
		emailIncomplete: "Votre adresse e-mail est incomplète.",
		numberIncomplete: "Le numéro de votre carte est incomplet.",
		expiryIncomplete: "La date d'expiration de votre carte est incomplète.",
		expiryPast: "La date d'expiration de votre carte est dépassée.",
		cvcIncomplete: "Le code de sécurité de votre carte est incomplet.",
	},
} satisfies Record<PageLanguage, Record<string, string>>;

/** The card and email messages in the shopper's language (the frame shows the incomplete ones itself). */
export function cardMessages(lang: PageLanguage): (typeof MESSAGES)["en"] {
	return MESSAGES[lang];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * What is wrong with an email address: `incomplete` (empty, or cut short after the `@`),
 * `invalid`, or null when it will do.
 */
export function emailProblem(email: string): "incomplete" | "invalid" | null {
	const trimmed = email.trim();
	if (EMAIL.test(trimmed)) return null;
	if (trimmed === "" || /^[^\s@]+@[^\s@.]*$/.test(trimmed)) return "incomplete";
	return "invalid";
}

/**
 * Checks what Stripe's page checks in the browser before any payment attempt (complete
 * fields, a future expiry) and turns the form into a payment attempt; messages in `lang`.
 */
export function validateCardForm(
	fields: CardFormFields,
	now: Date,
	paymentRequired = true,
	lang: PageLanguage = "en",
): CardFormResult {
	const messages = MESSAGES[lang];
	const email = fields.email.trim();
	if (emailProblem(email)) {
		return { ok: false, field: "email", message: messages.emailInvalid };
	}
	// A fully discounted order asks for no payment method.
	if (!paymentRequired) return { ok: true, input: { method: "none", email } };
	if (fields.method === "delayed_success" || fields.method === "delayed_failure") {
		const outcome = fields.method === "delayed_success" ? "success" : "failure";
		return { ok: true, input: { method: "delayed", outcome, email } };
	}
	const card = validateCard(fields, now, lang);
	if (!card.ok) return card;
	return { ok: true, input: { method: "card", email, ...card.card } };
}

/** A typed card, complete and not expired; or the field that is not, with its message in `lang`. */
export function validateCard(
	fields: Pick<CardFormFields, "cardNumber" | "cardExpiry" | "cardCvc">,
	now: Date,
	lang: PageLanguage = "en",
):
	| { ok: true; card: { card: string; expMonth: number; expYear: number } }
	| { ok: false; field: "card-number" | "card-expiry" | "card-cvc"; message: string } {
	const messages = MESSAGES[lang];
	const number = normalizeCardNumber(fields.cardNumber);
	if (!/^\d{12,19}$/.test(number)) {
		return { ok: false, field: "card-number", message: messages.numberIncomplete };
	}
	const expiry = parseExpiry(fields.cardExpiry);
	if (!expiry) {
		return { ok: false, field: "card-expiry", message: messages.expiryIncomplete };
	}
	const currentYear = now.getUTCFullYear();
	const currentMonth = now.getUTCMonth() + 1;
	if (expiry.year < currentYear || (expiry.year === currentYear && expiry.month < currentMonth)) {
		return { ok: false, field: "card-expiry", message: messages.expiryPast };
	}
	if (!/^\d{3,4}$/.test(fields.cardCvc.trim())) {
		return { ok: false, field: "card-cvc", message: messages.cvcIncomplete };
	}
	return { ok: true, card: { card: number, expMonth: expiry.month, expYear: expiry.year } };
}

/** Reads `MM/YY`, `MM / YYYY`, `MMYY` and the like; null when it is not a date. */
export function parseExpiry(text: string): { month: number; year: number } | null {
	const digits = text.replace(/[\s/-]/g, "");
	const match = /^(\d{2})(\d{2}|\d{4})$/.exec(digits);
	if (!match) return null;
	const month = Number(match[1]);
	const year = match[2]?.length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
	if (month < 1 || month > 12) return null;
	return { month, year };
}

/** A card attempt for the control API, with the defaults a quick test wants. */
export function controlCardInput(card: string | undefined, email: string, now: Date): PaymentInput {
	return {
		method: "card",
		card: normalizeCardNumber(card ?? SUCCESS_CARD),
		email,
		expMonth: 12,
		expYear: now.getUTCFullYear() + 5,
	};
}
