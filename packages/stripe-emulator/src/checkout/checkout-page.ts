import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { SessionRecord } from "../state/store.ts";
import type { CardFormFields } from "./card-form.ts";
import { pageShell } from "./html.ts";
import {
	type Labels,
	labelsFor,
	type PageLanguage,
	pageLanguage,
	pageMoney,
	periodPrice,
} from "./page-labels.ts";
import type { SessionWallet } from "./saved-cards.ts";
import { ACCOUNT_NAME } from "./session-object.ts";
import { findShippingRate, type ShippingInput } from "./shipping-details.ts";
import {
	renderContactFields,
	renderPromotionCodeField,
	renderShippingOptions,
} from "./shipping-form.ts";
import { type SessionTotals, sessionTotals } from "./totals.ts";

/** What the form shows: an error from the last attempt, the values to keep, the code state. */
export type CheckoutFormState = {
	error: { field: string | null; message: string } | null;
	values: Partial<CardFormFields> & {
		shipping?: Partial<ShippingInput>;
		shippingRate?: string;
		promotionCode?: string;
	};
	/** The customer-facing code of the session's discount, if one is applied. */
	appliedCode?: string | null;
	promotionError?: string | null;
	/** A session with a Customer: its saved cards, the save box. */
	wallet?: SessionWallet;
	/** The email the shopper cannot change (`customer_email`, or the Customer's). */
	lockedEmail?: string | null;
	/** Whether the save box was ticked (kept when the page is shown again). */
	saveCard?: boolean;
};

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const backLink = (session: SessionRecord, labels = labelsFor("en")): Html | string =>
	session.cancelUrl ? html`<p><a id="back" href="${session.cancelUrl}">${labels.back}</a></p>` : "";

/** The totals the page shows for what the form currently says (shipping option, country). */
export function pageTotals(session: SessionRecord, state: CheckoutFormState): SessionTotals {
	const rateId = state.values.shippingRate
		? findShippingRate(session, state.values.shippingRate)
		: undefined;
	const typedCountry = state.values.shipping?.country;
	const country =
		typedCountry && session.shippingCountries?.includes(typedCountry)
			? typedCountry
			: (session.shippingDetails?.address.country ?? session.shippingCountries?.[0] ?? null);
	return sessionTotals(session, { shippingRateId: rateId ?? null, country });
}

/** The hosted payment page for an open session. Every value is escaped by hono/html. */
export function renderCheckoutPage(session: SessionRecord, state: CheckoutFormState): string {
	const lang = pageLanguage(session.locale);
	const labels = labelsFor(lang);
	const money = (amount: number) => pageMoney(amount, session.currency, lang);
	const totals = pageTotals(session, state);
	const total = money(totals.total);
	const subscription = session.mode === "subscription" ? subscriptionSummary(session) : null;
	// A subscription always takes a card, for its renewals, even when nothing is due today.
	const paymentRequired = totals.total > 0 || subscription !== null;
	const values = state.values;
	const locked = state.lockedEmail ?? session.customerEmail;
	const email = locked ?? values.email ?? "";
	const wallet = state.wallet ?? { cards: [], offerSave: false };
	const preselected = wallet.cards.find((card) => card.checked)?.id;
	const method = values.method ?? preselected ?? "card";
	const invalid = (field: string) =>
		raw(
			state.error?.field === field ? ' aria-invalid="true" aria-describedby="payment-error"' : "",
		);
	const alert = state.error
		? html`<div role="alert" id="payment-error">${state.error.message}</div>`
		: "";
	const radio = (id: string, value: string, label: string) =>
		html`<label class="choice" for="${id}"><input type="radio" id="${id}" name="method" value="${value}"${raw(method === value ? " checked" : "")}> ${label}</label>`;
	const row = (id: string, label: string, amount: string) =>
		html`<p class="summary-row"><span>${label}</span> <span id="${id}">${amount}</span></p>
`;
	const discountLabel = state.appliedCode
		? `${labels.discount} (${state.appliedCode})`
		: labels.discount;
	const selectedRate = totals.shippingCost?.rateId ?? null;
	const canUpdate =
		session.shippingRates.length > 1 || (session.automaticTax && session.shippingCountries);
	const savedRadio = (card: SessionWallet["cards"][number], index: number) =>
		html`<label class="choice" for="saved-card-${index}"><input type="radio" id="saved-card-${index}" name="method" value="${card.id}" data-saved${raw(method === card.id ? " checked" : "")}${invalid(`saved-card-${index}`)}> ${card.label}</label>
`;
	const payment = paymentRequired
		? html`<fieldset>
<legend>${labels.paymentMethod}</legend>
${wallet.cards.map(savedRadio)}${radio("method-card", "card", wallet.cards.length > 0 ? labels.useNewCard : labels.card)}
${
	subscription
		? ""
		: html`${radio("delayed-success", "delayed_success", labels.delayedSuccess)}
${radio("delayed-failure", "delayed_failure", labels.delayedFailure)}
`
}</fieldset>
${renderCardFieldset(labels, values, invalid, {
	newCardOnly: wallet.cards.length > 0,
	saveBox: wallet.offerSave ? { checked: state.saveCard === true } : null,
})}`
		: html`<p class="hint" id="no-payment-required">${labels.noPayment}</p>`;
	const payLabel = subscription
		? labels.subscribe
		: paymentRequired
			? `${labels.pay} ${total}`
			: labels.completeOrder;
	const recurringPrice = subscription
		? periodPrice(money(subscription.amount), subscription.recurring, lang)
		: "";
	const heading = subscription
		? html`<h1 id="subscribe-heading">${labels.subscribeTo(subscription.names)}</h1>
<p class="price" id="recurring-price">${recurringPrice}</p>`
		: html`<h1>${paymentRequired ? labels.pay : labels.completeOrder} <span id="total">${total}</span></h1>`;
	return pageShell(
		`${payLabel} · Stripe emulator`,
		html`${backLink(session, labels)}
<p class="badge">${labels.testMode}</p>
<p class="merchant" id="merchant">${session.branding?.displayName ?? ACCOUNT_NAME}</p>
${heading}
<section aria-labelledby="summary-heading">
<h2 id="summary-heading">${labels.orderSummary}</h2>
<ul id="line-items">
${session.lineItems.map((item) => renderLineItem(item, money, lang))}
</ul>
${totals.subtotal !== totals.total ? row("subtotal-amount", labels.subtotal, money(totals.subtotal)) : ""}${totals.discount > 0 ? row("discount-amount", discountLabel, `−${money(totals.discount)}`) : ""}${totals.shippingCost ? row("shipping-amount", labels.shipping, money(totals.shipping)) : ""}${session.automaticTax ? row("tax-amount", labels.tax, money(totals.tax)) : ""}<p class="total"><span>${subscription ? labels.totalDueToday : labels.total}</span> <strong id="total-amount">${total}</strong></p>
</section>
${alert}
<form method="post" action="/pay/${session.id}">
<label for="email">${labels.email}</label>
<input type="email" id="email" name="email" autocomplete="email" required value="${email}"${raw(locked ? " readonly" : "")}${invalid("email")}>
${renderContactFields(session, values.shipping ?? {}, labels, lang, invalid)}
${renderShippingOptions(session, selectedRate, labels, lang)}
${session.allowPromotionCodes ? renderPromotionCodeField(state.appliedCode ?? null, values.promotionCode, state.promotionError ?? null, labels) : ""}
${canUpdate ? html`<button type="submit" class="secondary" id="update-total" formnovalidate name="intent" value="update">${labels.updateTotal}</button>` : ""}
${payment}
${session.terms ? renderTermsBox(session.terms.message ?? labels.acceptTerms, invalid("terms")) : ""}
<button type="submit" id="pay">${payLabel}</button>
${subscription ? html`<p class="hint" id="subscription-notice">${labels.subscriptionNotice(recurringPrice)}</p>` : ""}
${session.submitMessage ? html`<p class="hint" id="submit-message">${session.submitMessage}</p>` : ""}
</form>`,
		lang,
	);
}

/**
 * The card fields (number, expiry, CVC), shared by the hosted page, the setup page and the
 * Billing Portal. `newCardOnly`: hidden (by CSS, no script) while a saved card is chosen;
 * `saveBox`: the "Save my card for future purchases" box.
 */
export function renderCardFieldset(
	labels: Labels,
	values: Partial<CardFormFields>,
	invalid: (field: string) => ReturnType<typeof raw>,
	options: { newCardOnly?: boolean; saveBox?: { checked: boolean } | null } = {},
): Html {
	const saveBox = options.saveBox
		? html`<p class="choice save-card"><input type="checkbox" id="save-card" name="saveCard" value="yes"${raw(options.saveBox.checked ? " checked" : "")}> <label for="save-card">${labels.saveCard}</label></p>
`
		: "";
	return html`<fieldset${raw(options.newCardOnly ? ' class="new-card-only"' : "")}>
<legend>${labels.cardDetails}</legend>
<label for="card-number">${labels.cardNumber}</label>
<input type="text" id="card-number" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" value="${values.cardNumber ?? ""}"${invalid("card-number")}>
<div class="row">
<div>
<label for="card-expiry">${labels.expiry}</label>
<input type="text" id="card-expiry" name="cardExpiry" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" value="${values.cardExpiry ?? ""}"${invalid("card-expiry")}>
</div>
<div>
<label for="card-cvc">${labels.cvc}</label>
<input type="text" id="card-cvc" name="cardCvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123"${invalid("card-cvc")}>
</div>
</div>
${saveBox}<p class="hint">${labels.testCards}</p>
</fieldset>`;
}

/**
 * The box to accept the terms (`consent_collection[terms_of_service]`), its
 * words the session's (Markdown links made links, as Stripe's page does;
 * everything else escaped).
 */
function renderTermsBox(message: string, invalid: ReturnType<typeof raw>): Html {
	const parts: Html[] = [];
	let from = 0;
	for (const m of message.matchAll(/\[([^\]]+)\]\((https?:\/\/[^\s)"<>]+)\)/g)) {
		parts.push(html`${message.slice(from, m.index)}`);
		parts.push(html`<a href="${m[2]}" target="_blank" rel="noopener">${m[1]}</a>`);
		from = m.index + m[0].length;
	}
	parts.push(html`${message.slice(from)}`);
	return html`<p class="choice terms"><input type="checkbox" id="terms" name="terms" value="accepted" required${invalid}> <label for="terms">${parts}</label></p>`;
}

/** What a subscription session sells each period: its recurring items' names, amount and interval. */
function subscriptionSummary(session: SessionRecord) {
	const recurringItems = session.lineItems.filter((item) => item.recurring);
	return {
		names: recurringItems.map((item) => item.name).join(", "),
		amount: recurringItems.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0),
		recurring: recurringItems[0]?.recurring ?? { interval: "month" as const, intervalCount: 1 },
	};
}

function renderLineItem(
	item: SessionRecord["lineItems"][number],
	money: (amount: number) => string,
	lang: PageLanguage,
): Html {
	const amount = money(item.unitAmount * item.quantity);
	// A recurring item shows its price per period: "$30.00 / month".
	const lineTotal = item.recurring ? periodPrice(amount, item.recurring, lang) : amount;
	const description = item.description ? html`<small>${item.description}</small>` : "";
	return html`<li class="line-item"><span class="name">${item.name} × ${item.quantity}</span> <span class="amount">${lineTotal}</span>${description}</li>
`;
}

/** The page for a session that can no longer be paid: complete, processing or expired. */
export function renderClosedPage(session: SessionRecord): string {
	if (session.status === "expired") {
		return pageShell(
			"Session expired · Stripe emulator",
			html`<h1 id="session-status" data-status="expired">This checkout session has expired</h1>
<p>Nothing was charged. Go back to the shop to start again.</p>
${backLink(session)}`,
		);
	}
	if (session.mode === "setup") {
		const labels = labelsFor(pageLanguage(session.locale));
		return pageShell(
			`${labels.cardSaved} · Stripe emulator`,
			html`<h1 id="session-status" data-status="complete">${labels.cardSaved}</h1>
<p>${labels.cardSavedText}</p>
<p><a id="continue" href="${successUrl(session)}">${labels.back}</a></p>`,
			pageLanguage(session.locale),
		);
	}
	const paid = session.paymentStatus !== "unpaid";
	const title = paid ? "Payment complete" : "Payment processing";
	const text = paid
		? "This payment has been completed. Nothing more to do here."
		: "Your bank debit is being processed; the shop will be told when it settles.";
	return pageShell(
		`${title} · Stripe emulator`,
		html`<h1 id="session-status" data-status="${paid ? "complete" : "processing"}">${title}</h1>
<p>${text}</p>
<p><a id="continue" href="${successUrl(session)}">Return to the shop</a></p>`,
	);
}

/** The page for an unknown session id. */
export function renderNotFoundPage(): string {
	return pageShell(
		"Not found · Stripe emulator",
		html`<h1 id="session-status" data-status="not_found">Checkout session not found</h1>
<p>This link is not valid, or the emulator was restarted or reset.</p>`,
	);
}

/** Where Stripe sends the shopper after paying: `success_url` with `{CHECKOUT_SESSION_ID}` filled in. */
export function successUrl(session: SessionRecord): string {
	return session.successUrl.replaceAll("{CHECKOUT_SESSION_ID}", session.id);
}
