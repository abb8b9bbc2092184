import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { type HttpAnswer, htmlAnswer, redirectAnswer } from "../api/http-io.ts";
import { validateCard } from "../checkout/card-form.ts";
import { declineMessage, setupOutcome } from "../checkout/cards.ts";
import { renderCardFieldset } from "../checkout/checkout-page.ts";
import { declinedField } from "../checkout/checkout-steps.ts";
import { pageShell } from "../checkout/html.ts";
import {
	type Labels,
	labelsFor,
	type PageLanguage,
	pageLanguage,
} from "../checkout/page-labels.ts";
import { ACCOUNT_NAME } from "../checkout/session-object.ts";
import {
	attachPaymentMethod,
	cardExpiry,
	cardName,
	customerCards,
	detachPaymentMethod,
	newCardPaymentMethod,
	setDefaultPaymentMethod,
} from "../customers/wallet.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { CustomerRecord, PaymentMethodRecord, PortalSessionRecord } from "../state/store.ts";
import { NO_REQUEST } from "../webhooks/event-object.ts";
import { type PortalLabels, portalLabels } from "./portal-labels.ts";
import {
	SUBSCRIPTION_ACTIONS,
	subscriptionsSection,
	useForSubscriptions,
} from "./subscriptions-section.ts";

/*
 * The Billing Portal's pages (`/p/session/:id`): plain HTML forms, no script. The home page
 * is a list of sections; each change is a POST to `/p/session/:id/<action>` that changes
 * state for real (with Stripe's events) and redirects home with a notice. The Subscriptions
 * section (cancel at period end, resume, quantity) is `subscriptions-section.ts`.
 */

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** What a section or an action works with: the portal session, its Customer, the language. */
export type PortalView = {
	ctx: EmulatorContext;
	portal: PortalSessionRecord;
	customer: CustomerRecord;
	lang: PageLanguage;
	labels: PortalLabels;
	/** The hosted page's labels, for the card form. */
	cardLabels: Labels;
	/** `/p/session/:id`. */
	home: string;
};

/** One part of the home page, in order. */
type PortalSection = (view: PortalView) => Html | string;

const SECTIONS: PortalSection[] = [
	subscriptionsSection,
	billingInformationSection,
	paymentMethodsSection,
];

/** A change: `show` answers its own page (GET), `submit` does it (POST). */
export type PortalAction = {
	show?: (view: PortalView) => HttpAnswer;
	submit: (view: PortalView, form: URLSearchParams) => HttpAnswer;
};

/** The portal's changes, by the path after `/p/session/:id/`. */
export const PORTAL_ACTIONS: Record<string, PortalAction> = {
	make_default: {
		submit: (view, form) =>
			withCustomerCard(view, form, "make_default", (method) => makeDefault(view, method.id)),
	},
	remove: {
		submit: (view, form) =>
			withCustomerCard(view, form, "remove", (method) =>
				detachPaymentMethod(view.ctx, method, NO_REQUEST),
			),
	},
	add_card: {
		show: (view) => htmlAnswer(200, renderAddCardPage(view, null)),
		submit: addCard,
	},
	...Object.fromEntries(
		Object.entries(SUBSCRIPTION_ACTIONS).map(([name, change]) => [
			name,
			{
				submit: (view: PortalView, form: URLSearchParams) => {
					const result = change(view, form);
					if (result.ok) return done(view, name);
					return htmlAnswer(
						result.status,
						renderHome(view, { notice: null, error: result.message }),
					);
				},
			},
		]),
	),
};

// The Customer's default card (`customer.updated`), which its current subscriptions then use
// too (`customer.subscription.updated`), as the portal updates them together.
function makeDefault(view: PortalView, methodId: string): void {
	setDefaultPaymentMethod(view.ctx, view.customer, methodId, NO_REQUEST);
	useForSubscriptions(view, methodId);
}

/** `GET /p/session/:id`: the home page, with the notice of the change just made (`?done=`). */
export function showPortal(ctx: EmulatorContext, id: string, query: URLSearchParams): HttpAnswer {
	const view = portalView(ctx, id);
	if (!view) return notFound(ctx, id);
	const notice = view.labels.notices[query.get("done") ?? ""] ?? null;
	return htmlAnswer(200, renderHome(view, { notice, error: null }));
}

/** `GET /p/session/:id/:action`: an action's own page (adding a card). */
export function showPortalAction(ctx: EmulatorContext, id: string, name: string): HttpAnswer {
	const view = portalView(ctx, id);
	const action = PORTAL_ACTIONS[name];
	if (!view || !action?.show) return notFound(ctx, id);
	return action.show(view);
}

/** `POST /p/session/:id/:action`: one change. */
export function submitPortalAction(
	ctx: EmulatorContext,
	id: string,
	name: string,
	rawBody: string,
): HttpAnswer {
	const view = portalView(ctx, id);
	const action = PORTAL_ACTIONS[name];
	if (!view || !action) return notFound(ctx, id);
	return action.submit(view, new URLSearchParams(rawBody));
}

function portalView(ctx: EmulatorContext, id: string): PortalView | null {
	const portal = ctx.state.portalSessions.get(id);
	const customer = portal ? ctx.state.customers.get(portal.customerId) : undefined;
	if (!portal || !customer) return null;
	const lang = pageLanguage(portal.locale);
	return {
		ctx,
		portal,
		customer,
		lang,
		labels: portalLabels(lang),
		cardLabels: labelsFor(lang),
		home: `/p/session/${portal.id}`,
	};
}

// A POST about one of the Customer's cards (`paymentMethod`): done, then home with its notice.
function withCustomerCard(
	view: PortalView,
	form: URLSearchParams,
	action: string,
	change: (method: PaymentMethodRecord) => void,
): HttpAnswer {
	const id = form.get("paymentMethod") ?? "";
	const method = view.ctx.state.paymentMethods.get(id);
	if (!method || method.customerId !== view.customer.id) {
		return htmlAnswer(400, renderHome(view, { notice: null, error: view.labels.cardNotFound }));
	}
	change(method);
	return done(view, action);
}

// After a change, home (303), where `?done=` says what was done.
function done(view: PortalView, action: string): HttpAnswer {
	return redirectAnswer(`${view.home}?done=${action}`);
}

// Adding a card: checked as the payment page checks it; a decline saves nothing.
function addCard(view: PortalView, form: URLSearchParams): HttpAnswer {
	const { ctx, customer, lang } = view;
	const fields = {
		cardNumber: form.get("cardNumber") ?? "",
		cardExpiry: form.get("cardExpiry") ?? "",
		cardCvc: form.get("cardCvc") ?? "",
	};
	const checked = validateCard(fields, new Date(ctx.clock.now() * 1000), lang);
	if (!checked.ok) {
		const error = { field: checked.field, message: checked.message };
		return htmlAnswer(422, renderAddCardPage(view, { error, values: fields }));
	}
	const outcome = setupOutcome(checked.card.card);
	if (outcome.kind === "decline") {
		const error = { field: declinedField(outcome.code), message: declineMessage(outcome, lang) };
		return htmlAnswer(402, renderAddCardPage(view, { error, values: fields }));
	}
	const method = newCardPaymentMethod(ctx, {
		number: checked.card.card,
		expMonth: checked.card.expMonth,
		expYear: checked.card.expYear,
		email: customer.email,
	});
	attachPaymentMethod(ctx, method, customer, "always", NO_REQUEST);
	// The first card becomes the default, as the portal makes it.
	if (!customer.defaultPaymentMethodId) makeDefault(view, method.id);
	return done(view, "add_card");
}

function renderHome(
	view: PortalView,
	state: { notice: string | null; error: string | null },
): string {
	const { labels } = view;
	const status = state.notice ? html`<p role="status" id="portal-notice">${state.notice}</p>` : "";
	const alert = state.error ? html`<div role="alert" id="portal-error">${state.error}</div>` : "";
	return pageShell(
		`${labels.title} · Stripe emulator`,
		html`${returnLink(view)}
<p class="badge">${view.cardLabels.testMode}</p>
<p class="merchant" id="merchant">${ACCOUNT_NAME}</p>
<h1>${labels.heading}</h1>
${status}${alert}
${SECTIONS.map((section) => section(view))}`,
		view.lang,
	);
}

function returnLink(view: PortalView): Html | string {
	const url = view.portal.returnUrl;
	return url
		? html`<p><a id="return-link" href="${url}">${view.labels.returnTo(ACCOUNT_NAME)}</a></p>`
		: "";
}

function billingInformationSection(view: PortalView): Html {
	const { labels, customer } = view;
	return html`<section aria-labelledby="billing-heading" id="billing-information">
<h2 id="billing-heading">${labels.billingInformation}</h2>
<p class="summary-row"><span>${labels.email}</span> <span id="customer-email">${customer.email ?? labels.noEmail}</span></p>
</section>
`;
}

function paymentMethodsSection(view: PortalView): Html {
	const { labels, customer, ctx } = view;
	const cards = customerCards(ctx.state, customer);
	const list =
		cards.length > 0
			? html`<ul id="payment-methods">
${cards.map((method, index) => renderCard(view, method, index))}</ul>`
			: html`<p class="hint" id="no-payment-methods">${labels.noCards}</p>`;
	return html`<section aria-labelledby="payment-methods-heading" id="payment-methods-section">
<h2 id="payment-methods-heading">${labels.paymentMethods}</h2>
${list}
<p><a id="add-card" class="button-link" href="${view.home}/add_card">${labels.addCard}</a></p>
</section>
`;
}

function renderCard(view: PortalView, method: PaymentMethodRecord, index: number): Html {
	const { labels, customer, home } = view;
	const name = cardName(method);
	const expires = labels.expires(cardExpiry(method));
	const isDefault = customer.defaultPaymentMethodId === method.id;
	// Each button's name starts with its visible words, then says which card.
	const described = `${name} (${expires})`;
	const form = (action: string, label: string, accessible: string) =>
		html`<form method="post" action="${home}/${action}"><input type="hidden" name="paymentMethod" value="${method.id}"><button type="submit" class="secondary" id="${action.replace("_", "-")}-${index}" aria-label="${accessible}">${label}</button></form>`;
	return html`<li class="payment-method" id="payment-method-${index}" data-payment-method="${method.id}"${raw(isDefault ? " data-default" : "")}>
<p class="card-name"><strong>${name}</strong>${isDefault ? html` <span class="default-badge" id="default-badge">${labels.defaultBadge}</span>` : ""}</p>
<p class="hint">${expires}</p>
<div class="actions">${isDefault ? "" : form("make_default", labels.makeDefault, labels.makeDefaultFor(described))}${form("remove", labels.remove, labels.removeFor(described))}</div>
</li>
`;
}

function renderAddCardPage(
	view: PortalView,
	state: {
		error: { field: string; message: string };
		values: { cardNumber: string; cardExpiry: string };
	} | null,
): string {
	const { labels, cardLabels } = view;
	const invalid = (field: string) =>
		raw(state?.error.field === field ? ' aria-invalid="true" aria-describedby="portal-error"' : "");
	const alert = state ? html`<div role="alert" id="portal-error">${state.error.message}</div>` : "";
	return pageShell(
		`${labels.addCard} · Stripe emulator`,
		html`<p><a id="back" href="${view.home}">${labels.back}</a></p>
<p class="badge">${cardLabels.testMode}</p>
<p class="merchant" id="merchant">${ACCOUNT_NAME}</p>
<h1>${labels.addCard}</h1>
${alert}
<form method="post" action="${view.home}/add_card">
${renderCardFieldset(cardLabels, state?.values ?? {}, invalid)}
<button type="submit" id="add-card-submit">${labels.addCardButton}</button>
</form>`,
		view.lang,
	);
}

function notFound(ctx: EmulatorContext, id: string): HttpAnswer {
	const portal = ctx.state.portalSessions.get(id);
	const labels = portalLabels(pageLanguage(portal?.locale ?? null));
	return htmlAnswer(
		404,
		pageShell(
			`${labels.notFoundTitle} · Stripe emulator`,
			html`<h1 id="portal-status" data-status="not_found">${labels.notFoundTitle}</h1>
<p>${labels.notFoundText}</p>`,
		),
	);
}
