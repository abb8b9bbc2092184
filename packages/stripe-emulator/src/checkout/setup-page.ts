import { html, raw } from "hono/html";
import { type HttpAnswer, htmlAnswer, redirectAnswer } from "../api/http-io.ts";
import { saveSetupCard } from "../setup/setup-intents.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { SessionRecord } from "../state/store.ts";
import { type CardFormFields, validateCardForm } from "./card-form.ts";
import { declineMessage } from "./cards.ts";
import { renderCardFieldset, successUrl } from "./checkout-page.ts";
import { declinedField } from "./checkout-steps.ts";
import { pageShell } from "./html.ts";
import { labelsFor, pageLanguage } from "./page-labels.ts";
import { lockedEmail } from "./saved-cards.ts";
import { ACCOUNT_NAME } from "./session-object.ts";

type SetupFormState = {
	error: { field: string | null; message: string } | null;
	values: Partial<CardFormFields>;
	lockedEmail: string | null;
};

/** `GET /pay/:id` of an open `mode=setup` session: the page that saves a card. */
export function showSetupPage(ctx: EmulatorContext, session: SessionRecord): HttpAnswer {
	const state = { error: null, values: {}, lockedEmail: lockedEmail(ctx, session) };
	return htmlAnswer(200, renderSetupPage(session, state));
}

/**
 * `POST /pay/:id` of an open setup session: the card checked as on the payment page, then
 * saved (303 to `success_url`); a decline (402) or an incomplete form (422) shows the page
 * again, nothing saved.
 */
export function submitSetupPage(
	ctx: EmulatorContext,
	session: SessionRecord,
	rawBody: string,
): HttpAnswer {
	const form = new URLSearchParams(rawBody);
	const locked = lockedEmail(ctx, session);
	const fields: CardFormFields = {
		email: locked ?? form.get("email") ?? "",
		method: "card",
		cardNumber: form.get("cardNumber") ?? "",
		cardExpiry: form.get("cardExpiry") ?? "",
		cardCvc: form.get("cardCvc") ?? "",
	};
	const lang = pageLanguage(session.locale);
	const render = (status: number, field: string, message: string) =>
		htmlAnswer(
			status,
			renderSetupPage(session, { error: { field, message }, values: fields, lockedEmail: locked }),
		);
	const checked = validateCardForm(fields, new Date(ctx.clock.now() * 1000), true, lang);
	if (!checked.ok) return render(422, checked.field, checked.message);
	if (checked.input.method !== "card") return render(422, "card-number", "");
	const { card, email, expMonth, expYear } = checked.input;
	const result = saveSetupCard(ctx, session, { card, email, expMonth, expYear });
	if (result.outcome === "declined") {
		return render(402, declinedField(result.error.code), declineMessage(result.error, lang));
	}
	return redirectAnswer(successUrl(session));
}

/** The setup page: no amount, no items; the email, the card form, "Save card". */
function renderSetupPage(session: SessionRecord, state: SetupFormState): string {
	const lang = pageLanguage(session.locale);
	const labels = labelsFor(lang);
	const invalid = (field: string) =>
		raw(
			state.error?.field === field ? ' aria-invalid="true" aria-describedby="payment-error"' : "",
		);
	const email = state.lockedEmail ?? state.values.email ?? "";
	const alert = state.error
		? html`<div role="alert" id="payment-error">${state.error.message}</div>`
		: "";
	const back = session.cancelUrl
		? html`<p><a id="back" href="${session.cancelUrl}">${labels.back}</a></p>`
		: "";
	return pageShell(
		`${labels.saveACard} · Stripe emulator`,
		html`${back}
<p class="badge">${labels.testMode}</p>
<p class="merchant" id="merchant">${session.branding?.displayName ?? ACCOUNT_NAME}</p>
<h1 id="setup-heading">${labels.saveACard}</h1>
<p class="hint" id="setup-intro">${labels.setupIntro}</p>
${alert}
<form method="post" action="/pay/${session.id}">
<label for="email">${labels.email}</label>
<input type="email" id="email" name="email" autocomplete="email" required value="${email}"${raw(state.lockedEmail ? " readonly" : "")}${invalid("email")}>
${renderCardFieldset(labels, state.values, invalid)}
<button type="submit" id="submit">${labels.saveCardButton}</button>
</form>`,
		lang,
	);
}
