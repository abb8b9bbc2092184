import { type HttpAnswer, htmlAnswer, redirectAnswer } from "../api/http-io.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { SessionRecord } from "../state/store.ts";
import {
	type CheckoutFormState,
	pageTotals,
	renderCheckoutPage,
	renderClosedPage,
	renderNotFoundPage,
	successUrl,
} from "./checkout-page.ts";
import { applyPromotionCode, submitPayment } from "./checkout-steps.ts";
import { labelsFor, pageLanguage } from "./page-labels.ts";
import { lockedEmail, sessionCustomer, sessionWallet } from "./saved-cards.ts";
import { showSetupPage, submitSetupPage } from "./setup-page.ts";
import { findShippingRate, type ShippingInput } from "./shipping-details.ts";
import { shippingFieldName } from "./shipping-form.ts";

/** `GET /pay/:id`: the hosted page, or a clear page when the session cannot be paid. */
export function showPayPage(ctx: EmulatorContext, sessionId: string): HttpAnswer {
	const session = ctx.state.sessions.get(sessionId);
	// An elements session has no page here: the shop's own page takes its payment (Stripe: no url).
	if (!session || session.uiMode === "elements") return htmlAnswer(404, renderNotFoundPage());
	if (session.status !== "open") return htmlAnswer(200, renderClosedPage(session));
	if (session.mode === "setup") return showSetupPage(ctx, session);
	const state = {
		error: null,
		values: { shipping: savedShipping(ctx, session) },
		appliedCode: appliedCode(ctx, session),
		...walletState(ctx, session),
	};
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
	if (session.mode === "setup") return submitSetupPage(ctx, session, rawBody);
	const form = new URLSearchParams(rawBody);
	const intent = form.get("intent") ?? "pay";
	const shipping = Object.fromEntries(
		(["name", "line1", "line2", "city", "postalCode", "state", "country", "phone"] as const).map(
			(key) => [key, form.get(shippingFieldName(key)) ?? ""],
		),
	) as ShippingInput;
	const chosen = form.get("method") ?? "card";
	// A saved card's radio carries its id; the card form is for the other choices.
	const savedPaymentMethod = chosen.startsWith("pm_") ? chosen : null;
	const saveCard = form.get("saveCard") === "yes";
	const fields = {
		email: lockedEmail(ctx, session) ?? form.get("email") ?? "",
		// A subscription page offers cards only.
		method: savedPaymentMethod || session.mode === "subscription" ? "card" : chosen,
		cardNumber: form.get("cardNumber") ?? "",
		cardExpiry: form.get("cardExpiry") ?? "",
		cardCvc: form.get("cardCvc") ?? "",
	};
	const typedCode = (form.get("promotionCode") ?? "").trim();
	const values = { ...fields, method: chosen, shipping, promotionCode: typedCode };
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
				...walletState(ctx, session),
				saveCard,
				...extra,
			}),
		);
	if (intent === "remove_promotion_code") {
		session.discount = null;
		return render(200, { values: { ...values, promotionCode: "" } });
	}
	const lang = pageLanguage(session.locale);
	const current = appliedCode(ctx, session);
	const wantsCode =
		session.allowPromotionCodes === true &&
		typedCode !== "" &&
		typedCode.toLowerCase() !== current?.toLowerCase();
	if (wantsCode) {
		const applied = applyPromotionCode(ctx, session, typedCode, lang);
		if (!applied.ok) return render(422, { promotionError: applied.message });
	}
	if (intent === "apply_promotion_code" || intent === "update") return render(200);
	// The page has no script: a shipping option or code chosen just before Pay changed the
	// total the button showed. Show the new total rather than charge what was not shown.
	if (pageTotals(session, { error: null, values }).total !== totalBefore) {
		const message = labelsFor(lang).totalChanged;
		return render(409, { error: { field: null, message } });
	}
	const termsAccepted = form.get("terms") === "accepted";
	const outcome = submitPayment(
		ctx,
		session,
		{ fields, shipping, termsAccepted, savedPaymentMethod, saveCard },
		lang,
	);
	if (!outcome.ok) {
		const error = { field: outcome.field, message: outcome.message };
		return render(outcome.kind === "declined" ? 402 : 422, { error });
	}
	return redirectAnswer(successUrl(session));
}

// The Customer's saved cards, the save box and its locked email, for the page.
function walletState(
	ctx: EmulatorContext,
	session: SessionRecord,
): Pick<CheckoutFormState, "wallet" | "lockedEmail"> {
	return { wallet: sessionWallet(ctx, session), lockedEmail: lockedEmail(ctx, session) };
}

// Stripe's page starts from the Customer's saved shipping address, when it ships.
function savedShipping(
	ctx: EmulatorContext,
	session: SessionRecord,
): Partial<ShippingInput> | undefined {
	const saved = sessionCustomer(ctx, session)?.shipping;
	if (!saved || !session.shippingCountries) return undefined;
	return {
		name: saved.name,
		line1: saved.address.line1 ?? "",
		line2: saved.address.line2 ?? "",
		city: saved.address.city ?? "",
		postalCode: saved.address.postal_code ?? "",
		state: saved.address.state ?? "",
		country: saved.address.country ?? "",
		phone: saved.phone ?? "",
	};
}

function appliedCode(ctx: EmulatorContext, session: SessionRecord): string | null {
	const id = session.discount?.promotionCodeId;
	return id ? (ctx.state.promotionCodes.get(id)?.code ?? null) : null;
}
