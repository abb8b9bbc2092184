import type { PaymentInput } from "../payments/payments.ts";
import { normalizeCardNumber, SUCCESS_CARD } from "./cards.ts";

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

/**
 * Checks what Stripe's page checks in the browser before any payment attempt (complete
 * fields, a future expiry) and turns the form into a payment attempt.
 */
export function validateCardForm(
	fields: CardFormFields,
	now: Date,
	paymentRequired = true,
): CardFormResult {
	const email = fields.email.trim();
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
		return { ok: false, field: "email", message: "Your email address is invalid." };
	}
	// A fully discounted order asks for no payment method.
	if (!paymentRequired) return { ok: true, input: { method: "none", email } };
	if (fields.method === "delayed_success" || fields.method === "delayed_failure") {
		const outcome = fields.method === "delayed_success" ? "success" : "failure";
		return { ok: true, input: { method: "delayed", outcome, email } };
	}
	const number = normalizeCardNumber(fields.cardNumber);
	if (!/^\d{12,19}$/.test(number)) {
		return { ok: false, field: "card-number", message: "Your card number is incomplete." };
	}
	const expiry = parseExpiry(fields.cardExpiry);
	if (!expiry) {
		return {
			ok: false,
			field: "card-expiry",
			message: "Your card's expiration date is incomplete.",
		};
	}
	const currentYear = now.getUTCFullYear();
	const currentMonth = now.getUTCMonth() + 1;
	if (expiry.year < currentYear || (expiry.year === currentYear && expiry.month < currentMonth)) {
		return {
			ok: false,
			field: "card-expiry",
			message: "Your card's expiration date is in the past.",
		};
	}
	if (!/^\d{3,4}$/.test(fields.cardCvc.trim())) {
		return { ok: false, field: "card-cvc", message: "Your card's security code is incomplete." };
	}
	return {
		ok: true,
		input: { method: "card", card: number, email, expMonth: expiry.month, expYear: expiry.year },
	};
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
