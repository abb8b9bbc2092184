import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { formatMoney } from "../../../../src/lib/money.ts";
import type { SessionRecord } from "../state/store.ts";
import type { CardFormFields } from "./card-form.ts";
import { pageShell } from "./html.ts";

/** What the form shows: an error from the last attempt and the values to keep. */
export type CheckoutFormState = {
	error: { field: string | null; message: string } | null;
	values: Partial<CardFormFields>;
};

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const TEST_CARD_HINT =
	"Test cards: 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 has insufficient funds. Any future expiry and any CVC.";

const backLink = (session: SessionRecord): Html | string =>
	session.cancelUrl ? html`<p><a id="back" href="${session.cancelUrl}">← Back</a></p>` : "";

/** The hosted payment page for an open session. Every value is escaped by hono/html. */
export function renderCheckoutPage(session: SessionRecord, state: CheckoutFormState): string {
	const total = formatMoney(session.amountTotal, session.currency);
	const values = state.values;
	const email = values.email ?? session.customerEmail ?? "";
	const method = values.method ?? "card";
	const invalid = (field: string) =>
		raw(
			state.error?.field === field ? ' aria-invalid="true" aria-describedby="payment-error"' : "",
		);
	const alert = state.error
		? html`<div role="alert" id="payment-error">${state.error.message}</div>`
		: "";
	const radio = (id: string, value: string, label: string) =>
		html`<label class="choice" for="${id}"><input type="radio" id="${id}" name="method" value="${value}"${raw(method === value ? " checked" : "")}> ${label}</label>`;
	return pageShell(
		`Pay ${total} · Stripe emulator`,
		html`${backLink(session)}
<p class="badge">Test mode · Stripe emulator</p>
<h1>Pay <span id="total">${total}</span></h1>
<section aria-labelledby="summary-heading">
<h2 id="summary-heading">Order summary</h2>
<ul id="line-items">
${session.lineItems.map((item) => renderLineItem(item, session.currency))}
</ul>
<p class="total"><span>Total</span> <strong id="total-amount">${total}</strong></p>
</section>
${alert}
<form method="post" action="/pay/${session.id}">
<label for="email">Email</label>
<input type="email" id="email" name="email" autocomplete="email" required value="${email}"${raw(session.customerEmail ? " readonly" : "")}${invalid("email")}>
<fieldset>
<legend>Payment method</legend>
${radio("method-card", "card", "Card")}
${radio("delayed-success", "delayed_success", "Bank debit (test): succeeds after a delay")}
${radio("delayed-failure", "delayed_failure", "Bank debit (test): fails after a delay")}
</fieldset>
<fieldset>
<legend>Card details</legend>
<label for="card-number">Card number</label>
<input type="text" id="card-number" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" value="${values.cardNumber ?? ""}"${invalid("card-number")}>
<div class="row">
<div>
<label for="card-expiry">Expiry (MM / YY)</label>
<input type="text" id="card-expiry" name="cardExpiry" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" value="${values.cardExpiry ?? ""}"${invalid("card-expiry")}>
</div>
<div>
<label for="card-cvc">CVC</label>
<input type="text" id="card-cvc" name="cardCvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123"${invalid("card-cvc")}>
</div>
</div>
<p class="hint">${TEST_CARD_HINT}</p>
</fieldset>
<button type="submit" id="pay">Pay ${total}</button>
</form>`,
	);
}

function renderLineItem(item: SessionRecord["lineItems"][number], currency: string): Html {
	const lineTotal = formatMoney(item.unitAmount * item.quantity, currency);
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
	const paid = session.paymentStatus === "paid";
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
