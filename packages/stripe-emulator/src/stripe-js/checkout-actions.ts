import { cardMessages, emailProblem } from "../checkout/card-form.ts";
import { successUrl } from "../checkout/checkout-page.ts";
import { applyPromotionCode, submitPayment } from "../checkout/checkout-steps.ts";
import { labelsFor, type PageLanguage } from "../checkout/page-labels.ts";
import { lockedEmail } from "../checkout/saved-cards.ts";
import {
	checkShippingAddress,
	findShippingRate,
	type ShippingInput,
} from "../checkout/shipping-details.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { SessionRecord } from "../state/store.ts";

/** A JSON body from Stripe.js (or the Payment Element's frame). */
export type ActionBody = Record<string, unknown>;

/**
 * An error the SDK hands the shop's page as `{type: "error", error: {message, code}}`: `code`
 * is the SDK's (`invalidCode`, `invalidEmail`, `incompleteEmail`, `paymentFailed`) or null.
 */
export type BuyerError = {
	code: string | null;
	message: string;
	/** The Payment Element's field the message is about (`card-number`, …), for the frame. */
	field?: string;
	declineCode?: string | null;
};

/** One of the SDK's updates: changes the session, or says why not (and changes nothing). */
export type SessionUpdate = (
	ctx: EmulatorContext,
	session: SessionRecord,
	body: ActionBody,
	lang: PageLanguage,
) => BuyerError | null;

/** The updates, by the path after `/js/checkout/:id/`. */
export const SESSION_UPDATES: Record<string, SessionUpdate> = {
	promotion_code: (ctx, session, body, lang) => {
		const code = text(body.promotionCode)?.trim() ?? "";
		const invalid = { code: "invalidCode", message: labelsFor(lang).codeInvalid };
		if (!session.allowPromotionCodes || code === "") return invalid;
		const applied = applyPromotionCode(ctx, session, code, lang);
		return applied.ok ? null : { ...invalid, message: applied.message };
	},
	"promotion_code/remove": (_ctx, session, _body, lang) => {
		// A discount the shop applied (`discounts`) is not the shopper's to remove.
		if (!session.allowPromotionCodes && session.discount) {
			return { code: null, message: labelsFor(lang).codeNotRemovable };
		}
		session.discount = null;
		return null;
	},
	email: (ctx, session, body, lang) => {
		const email = text(body.email)?.trim() ?? "";
		const locked = lockedEmail(ctx, session);
		if (locked) {
			const same = email.toLowerCase() === locked.toLowerCase();
			return same ? null : { code: null, message: labelsFor(lang).emailLocked };
		}
		const problem = emailProblem(email);
		if (problem === "incomplete") {
			return { code: "incompleteEmail", message: cardMessages(lang).emailIncomplete };
		}
		if (problem === "invalid") {
			return { code: "invalidEmail", message: cardMessages(lang).emailInvalid };
		}
		session.customerDetailsEmail = email;
		return null;
	},
	// Stripe's updatePhoneNumber never fails: the number is checked when the shopper pays.
	phone_number: (_ctx, session, body) => {
		session.customerPhone = text(body.phoneNumber)?.trim() || null;
		return null;
	},
	shipping_address: (_ctx, session, body, lang) => {
		if (!session.shippingCountries) {
			return { code: null, message: labelsFor(lang).noShippingAddress };
		}
		if (body.shippingAddress === null) {
			session.shippingDetails = null;
			return null;
		}
		const checked = checkShippingAddress(session, contactInput(body.shippingAddress), lang);
		if (!checked.ok) return { code: null, message: checked.message };
		session.shippingDetails = checked.details;
		return null;
	},
	shipping_option: (_ctx, session, body, lang) => {
		const rateId = findShippingRate(session, text(body.shippingOption) ?? "");
		if (!rateId) return { code: null, message: labelsFor(lang).shippingOptionUnknown };
		session.shippingRateId = rateId;
		return null;
	},
};

/**
 * `confirm`, from the Payment Element's frame: the card it holds (or the saved card chosen
 * in it, `paymentMethod`, and its save box, `savePaymentMethod`) plus the page's
 * `confirm({email, phoneNumber, shippingAddress, termsAccepted})`, over what the updates kept
 * on the session. The hosted page's checks and one payment attempt (`submitPayment`).
 * Answers the URL to send the shopper to, or the problem.
 */
export function confirmSession(
	ctx: EmulatorContext,
	session: SessionRecord,
	body: ActionBody,
	lang: PageLanguage,
): { ok: true; returnUrl: string } | { ok: false; error: BuyerError } {
	const card = record(body.card);
	const givenEmail = text(body.email)?.trim();
	const locked = lockedEmail(ctx, session);
	// An email given here is the shopper's from now on, as an updateEmail before would be.
	if (!locked && givenEmail && !emailProblem(givenEmail)) {
		session.customerDetailsEmail = givenEmail;
	}
	const email = locked ?? (givenEmail || session.customerDetailsEmail) ?? "";
	const address =
		body.shippingAddress !== undefined && body.shippingAddress !== null
			? contactInput(body.shippingAddress)
			: storedContact(session);
	const phone = text(body.phoneNumber) || session.customerPhone || "";
	const fields = {
		email,
		method: "card",
		cardNumber: text(card.number) ?? "",
		cardExpiry: text(card.expiry) ?? "",
		cardCvc: text(card.cvc) ?? "",
	};
	const outcome = submitPayment(
		ctx,
		session,
		{
			fields,
			shipping: { ...address, phone },
			termsAccepted: body.termsAccepted === true,
			// The frame's choice of a saved card, or its "Save my card" box (or confirm's savePaymentMethod).
			savedPaymentMethod: text(body.paymentMethod) ?? null,
			saveCard: body.savePaymentMethod === true,
		},
		lang,
	);
	if (outcome.ok) return { ok: true, returnUrl: successUrl(session) };
	const declined = outcome.kind === "declined";
	return {
		ok: false,
		error: {
			code: declined ? "paymentFailed" : null,
			message: outcome.message,
			field: outcome.field,
			...(declined && { declineCode: outcome.decline?.declineCode ?? null }),
		},
	};
}

// Stripe.js' StripeCheckoutContact ({name, address: {line1, …, country}}) as the shipping step's input.
function contactInput(value: unknown): Omit<ShippingInput, "phone"> {
	const contact = record(value);
	const address = record(contact.address);
	return {
		name: text(contact.name) ?? "",
		line1: text(address.line1) ?? "",
		line2: text(address.line2) ?? "",
		city: text(address.city) ?? "",
		postalCode: text(address.postal_code) ?? "",
		state: text(address.state) ?? "",
		country: text(address.country) ?? "",
	};
}

function storedContact(session: SessionRecord): Omit<ShippingInput, "phone"> {
	const saved = session.shippingDetails;
	return {
		name: saved?.name ?? "",
		line1: saved?.address.line1 ?? "",
		line2: saved?.address.line2 ?? "",
		city: saved?.address.city ?? "",
		postalCode: saved?.address.postal_code ?? "",
		state: saved?.address.state ?? "",
		country: saved?.address.country ?? "",
	};
}

function text(value: unknown): string | undefined {
	return typeof value === "string" ? value : undefined;
}

function record(value: unknown): Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}
