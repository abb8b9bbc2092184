import type { Context } from "hono";
import { html } from "hono/html";
import { formatMoney } from "shop-money";
import { type Locale, type MessageKey, translate } from "../i18n/catalogues.ts";
import type { AppEnv } from "../routes/app-env.ts";
import { customerOrGuest } from "../routes/signed-in.ts";
import { type AccountOrder, accountOrders } from "../services/accounts/account.ts";
import { linkIsUsable } from "../services/accounts/sign-in.ts";
import {
	catchUpSubscriptionCheckout,
	customerSubscriptions,
	type SubscriptionView,
} from "../services/subscriptions/view.ts";

/**
 * `/account.html` (SPEC 14), written by the worker for the request's session,
 * so it works without JavaScript: signed in, the customer's orders and cards;
 * otherwise the sign-in form, or, from an e-mail's link, the one button that
 * uses it (a link opened by a mail scanner signs no one in: only a press of
 * the button does). Accounts off: the shop's 404.
 */
export async function withAccountPage(
	c: Context<AppEnv>,
	res: Response,
	locale: Locale,
): Promise<Response> {
	const t = (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
	const query = (name: string) => c.req.query(name) ?? "";
	const customer = await customerOrGuest(c);
	const rewriter = new HTMLRewriter();
	const show = (selector: string) =>
		rewriter.on(selector, { element: (el) => void el.removeAttribute("hidden") });
	// The forms come back to this page in its language.
	rewriter.on("form[action^='/api/account/']", {
		element(el) {
			el.setAttribute("action", `${el.getAttribute("action")}?lang=${locale}`);
		},
	});
	const token = query("token");
	const link = TOKEN.test(token) ? await linkIsUsable(c.var.deps, token) : null;
	const notice =
		link === false
			? { key: "account.signIn.invalidLink" as const }
			: link && customer
				? { key: "account.confirm.switch" as const, params: { email: customer.email } }
				: noticeOf(query, customer !== null);
	if (notice) {
		show("#account-notice");
		rewriter.on("#account-notice", {
			element: (el) => void el.setInnerContent(t(notice.key, notice.params)),
		});
	}
	if (link) {
		// A link that still works: its button (also when signed in: it switches to its address).
		show("#confirm");
		rewriter.on("#confirm-form input[name='token']", {
			element: (el) => void el.setAttribute("value", token),
		});
	} else if (customer) {
		// Back from a plan's checkout: its subscription, asked of Stripe if its webhook is late.
		const subscribed = query("subscribed");
		if (subscribed) await catchUpSubscriptionCheckout(c.var.deps, customer, subscribed);
		const [orders, subscriptions] = await Promise.all([
			accountOrders(c.var.deps, customer),
			customerSubscriptions(c.var.deps, customer, locale),
		]);
		if (subscriptions.length > 0) {
			show("#subscriptions");
			const billing = customer.stripeCustomerId !== null;
			rewriter.on("#subscription-list", {
				element: (el) =>
					void el.setInnerContent(
						subscriptions.map((sub) => subscriptionItem(sub, locale, billing)).join(""),
						{ html: true },
					),
			});
		}
		if (subscribed) {
			const started = subscriptions.some((s) => ["active", "trialing"].includes(s.status));
			show("#account-notice");
			rewriter.on("#account-notice", {
				element: (el) =>
					void el.setInnerContent(
						t(started ? "account.subscriptions.started" : "account.subscriptions.confirming"),
					),
			});
		}
		show("#signed-in");
		rewriter
			.on("#signed-in-as", {
				element: (el) =>
					void el.setInnerContent(t("account.signedInAs", { email: customer.email })),
			})
			.on("#order-list", {
				element: (el) =>
					void el.setInnerContent(orders.map((o) => orderItem(o, locale)).join(""), { html: true }),
			});
		if (orders.length === 0) show("#orders-none");
		// Stripe keeps cards for them: its page manages them.
		if (customer.stripeCustomerId) {
			show("#portal-form");
			show("#portal-detail");
		}
	} else {
		show("#sign-in");
		rewriter.on("#sign-in-form input[name='locale']", {
			element: (el) => void el.setAttribute("value", locale),
		});
	}
	const page = rewriter.transform(res);
	// A page of one person's orders, or with a sign-in link's token in its address: kept nowhere.
	page.headers.set("Cache-Control", "no-store");
	page.headers.set("Referrer-Policy", "no-referrer");
	return page;
}

/** What a sign-in link's token looks like (base64url of an HMAC-SHA-256). */
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/** What the page says first, after the step that led here. */
function noticeOf(
	query: (name: string) => string,
	signedIn: boolean,
): { key: MessageKey; params?: Record<string, string> } | null {
	if (signedIn) {
		if (query("card") === "added") return { key: "account.cards.added" };
		if (query("card") === "canceled") return { key: "account.cards.canceled" };
		return null;
	}
	if (query("sent") === "1") return { key: "account.signIn.sent" };
	if (query("link") === "invalid") return { key: "account.signIn.invalidLink" };
	if (query("signed") === "out") return { key: "account.signedOut" };
	const minutes = Number(query("limited"));
	if (Number.isInteger(minutes) && minutes > 0)
		return { key: "account.limited", params: { minutes: String(minutes) } };
	return null;
}

/** Each purchase: its number, status, date, total, items and a link to its page. */
function orderItem(order: AccountOrder, locale: Locale): string {
	const t = (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
	const placed = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(
		new Date(order.createdAt ?? 0),
	);
	const link = order.statusUrl
		? html`<a href="${order.statusUrl}&amp;lang=${locale}">${t("account.orders.view", { number: order.number })}</a>`
		: "";
	return html`<li class="account-order">
	<h3>${t("account.orders.number", { number: order.number })} <span class="badge" data-status="${order.status}">${t(statusKey(order))}</span></h3>
	<p class="account-order-facts small muted">${t("account.orders.placed", { date: placed })} · ${t("account.orders.total")}\u00a0${formatMoney(order.amount, order.currency, locale)}</p>
	<ul class="account-order-items">${order.items.map((i) => html`<li>${i.name} × ${i.quantity}</li>`)}</ul>
	${link}
</li>`.toString();
}

/**
 * A subscription: its plan and price per period, its status in the shopper's
 * words, when it renews (or ends), and for a failed payment what to do, with
 * the billing portal's button (Stripe's page, where the card is fixed).
 */
function subscriptionItem(sub: SubscriptionView, locale: Locale, billing: boolean): string {
	const t = (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
	const date = (iso: string | null) =>
		iso
			? new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(
					new Date(iso),
				)
			: "";
	const price = t(sub.interval === "year" ? "shop.perYear" : "shop.perMonth", {
		price: formatMoney(sub.unitAmount * sub.quantity, sub.currency, locale),
	});
	const live = ["active", "trialing", "past_due"].includes(sub.status);
	// A failed payment's subscription says what to do, not when it renews.
	const when =
		(sub.status === "active" || sub.status === "trialing") && sub.currentPeriodEnd
			? t(sub.cancelAtPeriodEnd ? "account.subscriptions.ends" : "account.subscriptions.renews", {
					date: date(sub.currentPeriodEnd),
				})
			: sub.status === "canceled" && sub.endedAt
				? t("account.subscriptions.ended", { date: date(sub.endedAt) })
				: "";
	const status: MessageKey =
		sub.status === "active" && sub.cancelAtPeriodEnd
			? "account.subscriptions.status.ending"
			: `account.subscriptions.status.${sub.status}`;
	const fix =
		sub.status === "past_due" || sub.status === "unpaid"
			? html`<p class="alert" role="alert">${t("account.subscriptions.pastDue")}</p>`
			: "";
	const manage =
		live && billing
			? html`<form method="post" action="/api/account/portal?lang=${locale}"><button type="submit" class="btn ${sub.status === "past_due" ? "btn-primary" : "btn-secondary"}">${t(sub.status === "past_due" ? "account.subscriptions.fixCard" : "account.subscriptions.manage")}</button></form>`
			: "";
	return html`<li class="account-order" data-subscription-id="${sub.id}">
	<h3>${sub.quantity > 1 ? `${sub.planName} × ${sub.quantity}` : sub.planName} <span class="badge" data-status="${sub.status}">${t(status)}</span></h3>
	<p class="account-order-facts small muted">${price}${when ? ` · ${when}` : ""}</p>
	${fix}${manage}
</li>`.toString();
}

/** The status in the shopper's words: "Shipped" for goods sent, "Delivered" for files. */
function statusKey(order: AccountOrder): MessageKey {
	switch (order.status) {
		case "fulfilled":
			return order.shipping ? "account.status.shipped" : "account.status.delivered";
		case "paid":
			return order.amountRefunded > 0 ? "account.status.partlyRefunded" : "account.status.paid";
		default:
			return `account.status.${order.status}`;
	}
}
