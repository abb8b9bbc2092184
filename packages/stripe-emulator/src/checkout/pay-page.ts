import { type HttpAnswer, htmlAnswer, redirectAnswer } from "../api/http-io.ts";
import { checkPromotionCode } from "../discounts/promotion-codes.ts";
import { attemptPayment } from "../payments/payments.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { SessionRecord } from "../state/store.ts";
import { validateCardForm } from "./card-form.ts";
import {
	type CheckoutFormState,
	pageTotals,
	renderCheckoutPage,
	renderClosedPage,
	renderNotFoundPage,
	successUrl,
} from "./checkout-page.ts";
import { labelsFor, pageLanguage } from "./page-labels.ts";
import { checkShippingInput, findShippingRate, type ShippingInput } from "./shipping-details.ts";
import { shippingFieldName } from "./shipping-form.ts";

/** `GET /pay/:id`: the hosted page, or a clear page when the session cannot be paid. */
export function showPayPage(ctx: EmulatorContext, sessionId: string): HttpAnswer {
	const session = ctx.state.sessions.get(sessionId);
	// An elements session has no page here: the shop's own page takes its payment (Stripe: no url).
	if (!session || session.uiMode === "elements") return htmlAnswer(404, renderNotFoundPage());
	if (session.status !== "open") return htmlAnswer(200, renderClosedPage(session));
	const state = { error: null, values: {}, appliedCode: appliedCode(ctx, session) };
	return htmlAnswer(200, renderCheckoutPage(session, state));
}

/**
 * `POST /pay/:id`. The Pay button (no `intent`) makes one attempt: a decline re-renders the
 * page (402), success redirects (303) to `success_url`. `intent=apply_promotion_code`,
 * `remove_promotion_code` and `update` re-render it with the new totals (the page has no script).
 */
export function submitPayPage(
	ctx: EmulatorContext,
	sessionId: string,
	rawBody: string,
): HttpAnswer {
	const session = ctx.state.sessions.get(sessionId);
	if (!session || session.uiMode === "elements") return htmlAnswer(404, renderNotFoundPage());
	if (session.status !== "open") return htmlAnswer(409, renderClosedPage(session));
	const form = new URLSearchParams(rawBody);
	const intent = form.get("intent") ?? "pay";
	const shipping = Object.fromEntries(
		(["name", "line1", "line2", "city", "postalCode", "state", "country", "phone"] as const).map(
			(key) => [key, form.get(shippingFieldName(key)) ?? ""],
		),
	) as ShippingInput;
	const fields = {
		email: form.get("email") ?? session.customerEmail ?? "",
		method: form.get("method") ?? "card",
		cardNumber: form.get("cardNumber") ?? "",
		cardExpiry: form.get("cardExpiry") ?? "",
		cardCvc: form.get("cardCvc") ?? "",
	};
	const typedCode = (form.get("promotionCode") ?? "").trim();
	const values = { ...fields, shipping, promotionCode: typedCode };
	// The shopper's shipping option counts from now on, as on Stripe's page.
	const rateId = findShippingRate(session, form.get("shippingRate") ?? "");
	const totalBefore = pageTotals(session, { error: null, values }).total;
	if (rateId) session.shippingRateId = rateId;
	const render = (status: number, extra: Partial<CheckoutFormState> = {}) =>
		htmlAnswer(
			status,
			renderCheckoutPage(session, {
				error: null,
				values,
				appliedCode: appliedCode(ctx, session),
				...extra,
			}),
		);
	if (intent === "remove_promotion_code") {
		session.discount = null;
		return render(200, { values: { ...values, promotionCode: "" } });
	}
	const current = appliedCode(ctx, session);
	const wantsCode =
		session.allowPromotionCodes === true &&
		typedCode !== "" &&
		typedCode.toLowerCase() !== current?.toLowerCase();
	if (wantsCode) {
		const subtotal = pageTotals(session, { error: null, values }).subtotal;
		const check = checkPromotionCode(ctx.state, session, typedCode, subtotal, ctx.clock.now());
		if (!check.ok) {
			const message = labelsFor(pageLanguage(session.locale)).codeInvalid;
			return render(422, { promotionError: message });
		}
		session.discount = check.discount;
	}
	if (intent === "apply_promotion_code" || intent === "update") return render(200);
	// The page has no script: a shipping option or code chosen just before Pay changed the
	// total the button showed. Show the new total rather than charge what was not shown.
	if (pageTotals(session, { error: null, values }).total !== totalBefore) {
		const message = labelsFor(pageLanguage(session.locale)).totalChanged;
		return render(409, { error: { field: null, message } });
	}
	// As Stripe's page: the terms' box, when asked, must be ticked before anything is charged.
	if (session.terms && form.get("terms") !== "accepted") {
		const message = labelsFor(pageLanguage(session.locale)).termsRequired;
		return render(422, { error: { field: "terms", message } });
	}
	const paymentRequired = pageTotals(session, { error: null, values }).total > 0;
	const checked = validateCardForm(fields, new Date(ctx.clock.now() * 1000), paymentRequired);
	if (!checked.ok) {
		return render(422, { error: { field: checked.field, message: checked.message } });
	}
	const contact = checkShippingInput(session, shipping);
	if (!contact.ok) {
		return render(422, { error: { field: contact.field, message: contact.message } });
	}
	session.shippingDetails = contact.details;
	session.customerPhone = contact.phone;
	if (session.terms) session.terms.accepted = true;
	const result = attemptPayment(ctx, session, checked.input);
	if (result.outcome === "declined") {
		const error = {
			field: declinedField(result.error?.code),
			message: result.error?.message ?? "",
		};
		return render(402, { error });
	}
	return redirectAnswer(successUrl(session));
}

function appliedCode(ctx: EmulatorContext, session: SessionRecord): string | null {
	const id = session.discount?.promotionCodeId;
	return id ? (ctx.state.promotionCodes.get(id)?.code ?? null) : null;
}

// Point the shopper at the field the decline is about.
function declinedField(code: string | undefined): string {
	if (code === "incorrect_cvc") return "card-cvc";
	if (code === "expired_card") return "card-expiry";
	return "card-number";
}
