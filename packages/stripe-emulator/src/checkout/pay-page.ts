import { type HttpAnswer, htmlAnswer, redirectAnswer } from "../api/http-io.ts";
import { attemptPayment } from "../payments/payments.ts";
import type { EmulatorContext } from "../state/context.ts";
import { validateCardForm } from "./card-form.ts";
import {
	renderCheckoutPage,
	renderClosedPage,
	renderNotFoundPage,
	successUrl,
} from "./checkout-page.ts";

/** `GET /pay/:id`: the hosted page, or a clear page when the session cannot be paid. */
export function showPayPage(ctx: EmulatorContext, sessionId: string): HttpAnswer {
	const session = ctx.state.sessions.get(sessionId);
	if (!session) return htmlAnswer(404, renderNotFoundPage());
	if (session.status !== "open") return htmlAnswer(200, renderClosedPage(session));
	return htmlAnswer(200, renderCheckoutPage(session, { error: null, values: {} }));
}

/** `POST /pay/:id`: one attempt; a decline re-renders the page, success redirects (303) to `success_url`. */
export function submitPayPage(
	ctx: EmulatorContext,
	sessionId: string,
	rawBody: string,
): HttpAnswer {
	const session = ctx.state.sessions.get(sessionId);
	if (!session) return htmlAnswer(404, renderNotFoundPage());
	if (session.status !== "open") return htmlAnswer(409, renderClosedPage(session));
	const form = new URLSearchParams(rawBody);
	const fields = {
		email: form.get("email") ?? session.customerEmail ?? "",
		method: form.get("method") ?? "card",
		cardNumber: form.get("cardNumber") ?? "",
		cardExpiry: form.get("cardExpiry") ?? "",
		cardCvc: form.get("cardCvc") ?? "",
	};
	const checked = validateCardForm(fields, new Date(ctx.clock.now() * 1000));
	if (!checked.ok) {
		const error = { field: checked.field, message: checked.message };
		return htmlAnswer(422, renderCheckoutPage(session, { error, values: fields }));
	}
	const result = attemptPayment(ctx, session, checked.input);
	if (result.outcome === "declined") {
		const error = {
			field: declinedField(result.error?.code),
			message: result.error?.message ?? "",
		};
		return htmlAnswer(402, renderCheckoutPage(session, { error, values: fields }));
	}
	return redirectAnswer(successUrl(session));
}

// Point the shopper at the field the decline is about.
function declinedField(code: string | undefined): string {
	if (code === "incorrect_cvc") return "card-cvc";
	if (code === "expired_card") return "card-expiry";
	return "card-number";
}
