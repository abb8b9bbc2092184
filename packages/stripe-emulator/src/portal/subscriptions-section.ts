import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { pageMoney, periodPrice } from "../checkout/page-labels.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { CustomerRecord, SubscriptionRecord } from "../state/store.ts";
import { subscriptionPrice } from "../subscriptions/subscription-object.ts";
import {
	setCancelAtPeriodEnd,
	setQuantity,
	setSubscriptionDefault,
} from "../subscriptions/update.ts";
import { NO_REQUEST } from "../webhooks/event-object.ts";
import type { PortalView } from "./portal-page.ts";

/*
 * The portal's Subscriptions section: each current subscription of the Customer (its plan,
 * price per period, quantity, status, next renewal or end), and its changes: cancel at the
 * period's end, don't cancel, change the quantity (no proration). Each a POST form.
 */

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** A change's outcome: done (home with its notice) or refused (the home page with an error). */
export type SubscriptionActionResult =
	| { ok: true }
	| { ok: false; status: number; message: string };

/** The Customer's subscriptions the portal shows: those not ended, newest first. */
export function currentSubscriptions(
	ctx: EmulatorContext,
	customer: CustomerRecord,
): SubscriptionRecord[] {
	return [...ctx.state.subscriptions.values()]
		.filter(
			(sub) =>
				sub.customerId === customer.id &&
				sub.status !== "canceled" &&
				sub.status !== "incomplete_expired" &&
				sub.status !== "incomplete",
		)
		.reverse();
}

/** The section (nothing when the Customer has no current subscription). */
export function subscriptionsSection(view: PortalView): Html | string {
	const subs = currentSubscriptions(view.ctx, view.customer);
	if (subs.length === 0) return "";
	return html`<section aria-labelledby="subscriptions-heading" id="subscriptions">
<h2 id="subscriptions-heading">${view.labels.subscriptions}</h2>
<ul id="subscription-list">
${subs.map((sub, index) => renderSubscription(view, sub, index))}</ul>
</section>
`;
}

function planName(view: PortalView, sub: SubscriptionRecord): string {
	return sub.items
		.map((item) => {
			const price = subscriptionPrice(view.ctx.state, sub, item);
			return view.ctx.state.products.get(price.productId)?.name ?? price.id;
		})
		.join(", ");
}

function longDate(seconds: number, lang: "en" | "fr"): string {
	return new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-US", {
		dateStyle: "long",
		timeZone: "UTC",
	}).format(new Date(seconds * 1000));
}

function renderSubscription(view: PortalView, sub: SubscriptionRecord, index: number): Html {
	const { labels, lang, home, ctx } = view;
	const plan = planName(view, sub);
	const item = sub.items[0];
	const quantity = item?.quantity ?? 1;
	const amount = sub.items.reduce(
		(sum, each) => sum + subscriptionPrice(ctx.state, sub, each).unitAmount * each.quantity,
		0,
	);
	const price = periodPrice(pageMoney(amount, sub.currency, lang), sub.recurring, lang);
	const ending = sub.cancelAtPeriodEnd || sub.cancelAt !== null;
	const status = ending && sub.status === "active" ? labels.canceling : labels.statuses[sub.status];
	const when = ending
		? labels.endsOn(longDate(sub.cancelAt ?? sub.currentPeriodEnd, lang))
		: labels.renewsOn(longDate(sub.currentPeriodEnd, lang));
	const failed =
		sub.status === "past_due" || sub.status === "unpaid"
			? html`<p class="field-error" id="subscription-payment-failed-${index}"><a href="#payment-methods-section">${labels.paymentFailed}</a></p>
`
			: "";
	const form = (action: string, id: string, label: string, accessible: string) =>
		html`<form method="post" action="${home}/${action}"><input type="hidden" name="subscription" value="${sub.id}"><button type="submit" class="secondary" id="${id}-${index}" aria-label="${accessible}">${label}</button></form>`;
	const cancelOrResume = ending
		? form(
				"resume_subscription",
				"resume-subscription",
				labels.resumeSubscription,
				labels.resumeFor(plan),
			)
		: form(
				"cancel_subscription",
				"cancel-subscription",
				labels.cancelSubscription,
				labels.cancelFor(plan),
			);
	return html`<li class="subscription" id="subscription-${index}" data-subscription="${sub.id}" data-status="${sub.status}"${raw(ending ? " data-canceling" : "")}>
<p class="plan-name"><strong id="subscription-plan-${index}">${plan}</strong> <span class="default-badge" id="subscription-status-${index}">${status}</span></p>
<p class="summary-row"><span id="subscription-price-${index}">${price}</span> <span>${labels.quantity} <span id="subscription-quantity-${index}">${quantity}</span></span></p>
<p class="hint" id="subscription-renewal-${index}">${when}</p>
${failed}<form method="post" action="${home}/update_quantity" class="inline quantity-form"><input type="hidden" name="subscription" value="${sub.id}"><label for="quantity-${index}" class="visually-hidden">${labels.quantityFor(plan)}</label><input type="number" id="quantity-${index}" name="quantity" min="1" step="1" inputmode="numeric" value="${quantity}"><button type="submit" class="secondary" id="update-quantity-${index}" aria-label="${labels.changeQuantityFor(plan)}">${labels.changeQuantity}</button></form>
<div class="actions">${cancelOrResume}</div>
</li>
`;
}

// The form's `subscription`, one of the Customer's current subscriptions.
function formSubscription(view: PortalView, form: URLSearchParams): SubscriptionRecord | null {
	const id = form.get("subscription") ?? "";
	return currentSubscriptions(view.ctx, view.customer).find((sub) => sub.id === id) ?? null;
}

/** The section's changes, by the path after `/p/session/:id/`. */
export const SUBSCRIPTION_ACTIONS: Record<
	string,
	(view: PortalView, form: URLSearchParams) => SubscriptionActionResult
> = {
	cancel_subscription: (view, form) => {
		const sub = formSubscription(view, form);
		if (!sub) return { ok: false, status: 400, message: view.labels.subscriptionNotFound };
		setCancelAtPeriodEnd(view.ctx, sub, true, NO_REQUEST);
		return { ok: true };
	},
	resume_subscription: (view, form) => {
		const sub = formSubscription(view, form);
		if (!sub) return { ok: false, status: 400, message: view.labels.subscriptionNotFound };
		setCancelAtPeriodEnd(view.ctx, sub, false, NO_REQUEST);
		return { ok: true };
	},
	update_quantity: (view, form) => {
		const sub = formSubscription(view, form);
		if (!sub) return { ok: false, status: 400, message: view.labels.subscriptionNotFound };
		const text = (form.get("quantity") ?? "").trim();
		const quantity = /^\d{1,6}$/.test(text) ? Number(text) : 0;
		if (quantity < 1) return { ok: false, status: 422, message: view.labels.quantityInvalid };
		setQuantity(view.ctx, sub, quantity, NO_REQUEST);
		return { ok: true };
	},
};

/**
 * The portal's default card is also its Customer's current subscriptions' card (the
 * portal updates them together), so a `past_due` subscription's next retry pays with it.
 */
export function useForSubscriptions(view: PortalView, paymentMethodId: string): void {
	for (const sub of currentSubscriptions(view.ctx, view.customer).reverse()) {
		if (sub.defaultPaymentMethodId !== paymentMethodId) {
			setSubscriptionDefault(view.ctx, sub, paymentMethodId, NO_REQUEST);
		}
	}
}
