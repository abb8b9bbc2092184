import { resourceMissing } from "../api/errors.ts";
import { controlCardInput, parseExpiry } from "../checkout/card-form.ts";
import { lockedEmail, offeredCard, sessionWallet } from "../checkout/saved-cards.ts";
import { expireSession } from "../checkout/session-expiry.ts";
import { renderSession } from "../checkout/session-object.ts";
import {
	checkShippingInput,
	defaultShippingInput,
	findShippingRate,
	type ShippingField,
	type ShippingInput,
} from "../checkout/shipping-details.ts";
import { sessionTotals } from "../checkout/totals.ts";
import {
	badInput,
	type ControlInput,
	inputEnum,
	inputNumber,
	inputString,
} from "../control/input.ts";
import type { ControlRequest, ControlRoute } from "../control/types.ts";
import { checkPromotionCode } from "../discounts/promotion-codes.ts";
import { renderSetupIntent } from "../setup/setup-intent-object.ts";
import { saveSetupCard } from "../setup/setup-intents.ts";
import { patch, type SessionRecord } from "../state/store.ts";
import { invoiceWithPayments } from "../subscriptions/control-routes.ts";
import { renderSubscription } from "../subscriptions/subscription-object.ts";
import { NO_REQUEST } from "../webhooks/event-object.ts";
import { renderPaymentIntent } from "./payment-intent-object.ts";
import { attemptPayment, type PaymentInput, requireOpen } from "./payments.ts";

function findSession({ ctx, pathParams }: ControlRequest): SessionRecord {
	const id = pathParams.id ?? "";
	const session = ctx.state.sessions.get(id);
	if (!session) throw resourceMissing("checkout.session", id);
	return session;
}

function paymentInput(request: ControlRequest, session: SessionRecord): PaymentInput {
	const { input, ctx } = request;
	const email = inputString(input, "email") ?? lockedEmail(ctx, session) ?? "shopper@example.com";
	const delayed = inputEnum(input, "delayed", ["success", "failure"] as const);
	if (delayed && session.mode === "subscription") {
		throw badInput("A subscription session is paid by card (no bank debit).", "delayed");
	}
	if (delayed) return { method: "delayed", outcome: delayed, email };
	const savedId = inputString(input, "paymentMethod");
	if (savedId !== undefined) {
		const saved = offeredCard(ctx, session, savedId);
		if (!saved?.card || !saved.cardNumber) {
			throw badInput(
				"paymentMethod must be one of the saved cards the session offers (a card of its customer with allow_redisplay in its filters).",
				"paymentMethod",
			);
		}
		const { expMonth, expYear } = saved.card;
		return {
			method: "card",
			card: saved.cardNumber,
			email,
			expMonth,
			expYear,
			savedPaymentMethodId: saved.id,
		};
	}
	const card = controlCardInput(
		inputString(input, "card"),
		email,
		new Date(ctx.clock.now() * 1000),
	);
	if (card.method !== "card") return card;
	if (input.saveCard === true) {
		if (!sessionWallet(ctx, session).offerSave) {
			throw badInput(
				"This session does not offer to save cards (create it with customer and saved_payment_method_options[payment_method_save]=enabled).",
				"saveCard",
			);
		}
		card.save = true;
	}
	const expiryText = inputString(input, "expiry");
	if (expiryText === undefined) return card;
	const expiry = parseExpiry(expiryText);
	if (!expiry) throw badInput("expiry must look like MM/YY.", "expiry");
	return { ...card, expMonth: expiry.month, expYear: expiry.year };
}

// A setup session: the card saved as its page saves it.
function saveCardOnSetupSession(request: ControlRequest, session: SessionRecord) {
	const input = paymentInput(request, session);
	if (input.method !== "card" || input.savedPaymentMethodId) {
		throw badInput("A setup session takes a card (card, expiry).", "card");
	}
	const result = saveSetupCard(request.ctx, session, input);
	return {
		outcome: result.outcome,
		error: result.error,
		session: renderSession(session),
		paymentIntent: null,
		setupIntent: result.setupIntent ? renderSetupIntent(result.setupIntent) : null,
	};
}

/**
 * Applies the hosted page's other steps from the control API's body: `shippingOption`
 * (position or `shr_…` id), `promotionCode`, and `shipping` (a test address when the session
 * ships and none is given). All are checked before any is applied.
 */
function applyCheckoutChoices(request: ControlRequest, session: SessionRecord): void {
	const { input, ctx } = request;
	requireOpen(session);
	const option = input.shippingOption;
	let rateId = session.shippingRateId;
	if (option !== undefined && option !== null) {
		const found =
			typeof option === "number" || typeof option === "string"
				? findShippingRate(session, option)
				: undefined;
		if (!found) {
			throw badInput(
				`shippingOption must be a position (0–${session.shippingRates.length - 1}) or the shr_ id of one of the session's shipping options.`,
				"shippingOption",
			);
		}
		rateId = found;
	}
	const code = inputString(input, "promotionCode");
	let discount = session.discount;
	if (code !== undefined) {
		if (!session.allowPromotionCodes) {
			throw badInput(
				"This session does not take promotion codes (create it with allow_promotion_codes=true).",
				"promotionCode",
			);
		}
		const subtotal = sessionTotals(session).subtotal;
		const check = checkPromotionCode(ctx.state, session, code, subtotal, ctx.clock.now());
		if (!check.ok) throw badInput(`This code is invalid. ${check.reason}`, "promotionCode");
		discount = check.discount;
	}
	const given = shippingObject(input);
	if (given && !session.shippingCountries) {
		throw badInput(
			"This session collects no shipping address (no shipping_address_collection).",
			"shipping",
		);
	}
	const fallback = defaultShippingInput(session);
	const shipping: ShippingInput = given
		? {
				name: inputString(given, "name") ?? "",
				line1: inputString(given, "line1") ?? "",
				line2: inputString(given, "line2") ?? "",
				city: inputString(given, "city") ?? "",
				postalCode: inputString(given, "postalCode") ?? "",
				state: inputString(given, "state") ?? "",
				country: inputString(given, "country") ?? "",
				phone: inputString(given, "phone") ?? inputString(input, "phone") ?? fallback.phone,
			}
		: { ...fallback, phone: inputString(input, "phone") ?? fallback.phone };
	const checked = checkShippingInput(session, shipping);
	if (!checked.ok) throw badInput(checked.message, CONTROL_FIELDS[checked.field]);
	patch(session, {
		shippingRateId: rateId,
		discount,
		shippingDetails: checked.details,
		customerPhone: checked.phone,
	});
}

const CONTROL_FIELDS: Record<ShippingField, string> = {
	"shipping-name": "shipping.name",
	"shipping-line1": "shipping.line1",
	"shipping-city": "shipping.city",
	"shipping-postal-code": "shipping.postalCode",
	"shipping-state": "shipping.state",
	"shipping-country": "shipping.country",
	phone: "shipping.phone",
};

function shippingObject(input: ControlInput): ControlInput | null {
	const value = input.shipping;
	if (value === undefined || value === null) return null;
	if (typeof value !== "object" || Array.isArray(value)) {
		throw badInput("shipping must be an object.", "shipping");
	}
	return { ...value };
}

/** Paying, expiring and settling bank debits without a browser. */
export const controlPaymentRoutes: ControlRoute[] = [
	{
		method: "POST",
		pattern: "/_emulator/sessions/:id/pay",
		handler: (request) => {
			const session = findSession(request);
			if (session.mode === "setup") return saveCardOnSetupSession(request, session);
			const input = paymentInput(request, session);
			applyCheckoutChoices(request, session);
			const result = attemptPayment(request.ctx, session, input);
			return {
				outcome: result.outcome,
				error: result.error,
				session: renderSession(result.session),
				paymentIntent: result.paymentIntent ? renderPaymentIntent(result.paymentIntent) : null,
				// A subscription session's Subscription and first Invoice (null until paid).
				...(session.mode === "subscription" && {
					subscription: result.subscription
						? renderSubscription(request.ctx.state, result.subscription)
						: null,
					invoice: result.invoice ? invoiceWithPayments(result.invoice) : null,
				}),
			};
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/sessions/:id/expire",
		handler: (request) => {
			const session = findSession(request);
			expireSession(request.ctx, session, NO_REQUEST);
			return { session: renderSession(session) };
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/delayed",
		handler: ({ ctx, input }) => {
			const delayMs = inputNumber(input, "delayMs");
			if (delayMs !== undefined) ctx.delayed.setDelayMs(Math.max(0, delayMs));
			return { delayMs: ctx.delayed.delayMs() };
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/delayed/settle",
		handler: ({ ctx, input }) => ({
			settled: ctx.delayed.settleNow(inputString(input, "sessionId")),
		}),
	},
];
