import type { Context } from "hono";
import { formatMoney } from "shop-money";
import { isOpenStatus } from "../domain/transitions.ts";
import { declineText, type Locale, type MessageKey, translatePlural } from "../i18n/catalogues.ts";
import { sameToken } from "../lib/secret-compare.ts";
import type { AppEnv } from "../routes/app-env.ts";
import {
	findOrderWithItems,
	latestOrderOf,
	type OrderRow,
	type OrderWithItems,
} from "../services/orders/orders.ts";

/**
 * What the cancel page (and every resume link) says: the order's own state,
 * looked at first. A checkout that can still be paid offers "Resume payment"
 * (or "Try again" after a decline, "Start again" once it ended); an order that
 * is paid, processing, refunded or held for a check says so and links to its
 * page, never "nothing was charged".
 */
export type CancelState =
	| "pending"
	| "failed"
	| "ended"
	| "processing"
	| "paid"
	| "refunded"
	| "review"
	| "returned";

/** What the shopper may do from the page, in each state: pay (with this button's words), or see the order. */
export const PAYABLE: Partial<Record<CancelState, MessageKey>> = {
	pending: "cancel.resume",
	failed: "cancel.retry",
	ended: "cancel.startAgain",
};

export function stateOf(order: OrderRow): CancelState {
	if (order.failureCode === "amount_mismatch")
		return isOpenStatus(order.status) ? "review" : "returned";
	switch (order.status) {
		case "pending":
		case "failed":
		case "processing":
		case "paid":
		case "refunded":
			return order.status;
		case "fulfilled":
			return "paid";
		case "expired":
		case "canceled":
			return "ended";
	}
}

/**
 * The order a shopper's link names (`?order_id=…&token=…`: the cancel page's,
 * the payment page's), only with its own resume token; null otherwise. When a
 * newer order took its cart over (resumed another way), `moved` is that
 * order's own link: the page answers it instead, so an old link never offers
 * to pay again what the newer order paid.
 */
export async function orderOfLink(
	c: Context<AppEnv>,
): Promise<
	| { found: OrderWithItems; order: OrderRow; token: string; moved: null }
	| { moved: URLSearchParams }
	| null
> {
	const orderId = c.req.query("order_id") ?? "";
	const token = c.req.query("token") ?? "";
	const { db } = c.var.deps;
	const found = orderId && token ? await findOrderWithItems(db, { id: orderId }) : undefined;
	const order = found?.order;
	if (!found || !order?.resumeToken || !(await sameToken(token, order.resumeToken))) return null;
	if (order.replacedBy) {
		const latest = (await latestOrderOf(db, found)).order;
		if (latest.id !== order.id && latest.resumeToken) {
			const lang = c.req.query("lang");
			const moved = new URLSearchParams({ order_id: latest.id, token: latest.resumeToken });
			if (lang) moved.set("lang", lang);
			return { moved };
		}
	}
	return { found, order, token, moved: null };
}

/**
 * `/cancel.html?order_id=…&token=…` as the worker sends it, for the order the
 * link names (and only with its own token): its state in words, what it holds,
 * and either "Resume payment" as a real form (the order, its token, the page's
 * language) that works without JavaScript, or a link to the order's page.
 * Without such an order, the page claims nothing about a payment.
 */
export async function withResumeForm(
	c: Context<AppEnv>,
	res: Response,
	locale: Locale,
): Promise<Response> {
	const linked = await orderOfLink(c);
	// Back from a plan's checkout (SPEC 15): no order, no cart; nothing was charged.
	if (!linked && c.req.query("plan") !== undefined)
		return new HTMLRewriter()
			.on("#cancel-heading", {
				element: (el) => void el.setAttribute("data-i18n", "cancel.plan.heading"),
			})
			.on("#cancel-detail", {
				element: (el) => void el.setAttribute("data-i18n", "cancel.plan.detail"),
			})
			.on("#back-to-cart", {
				element: (el) => void el.setAttribute("data-i18n", "layout.backToShop"),
			})
			.transform(res);
	if (!linked) return res;
	if (linked.moved) return c.redirect(`/cancel.html?${linked.moved}`, 303);
	const { found, order, token } = linked;
	const state = stateOf(order);
	const button = PAYABLE[state];
	const { items } = found;
	const count = items.reduce((sum, item) => sum + item.quantity, 0);
	const summary = `${translatePlural(locale, "cart.items", count)} · ${formatMoney(order.amount, order.currency, locale)}`;
	const value: Record<string, string> = { orderId: order.id, resumeToken: token, locale };
	// Written into an attribute as is (HTMLRewriter does not escape): the `&` as HTML wants it.
	const page = order.stripeCheckoutSessionId
		? `/success.html?${new URLSearchParams({ session_id: order.stripeCheckoutSessionId, lang: locale }).toString().replaceAll("&", "&amp;")}`
		: null;
	const rewriter = new HTMLRewriter()
		.on("#cancel-status-panel", {
			// Its look: the spinner is for a page awaiting an answer, which this one never is
			// (left on Stripe's page: a neutral look; held for a person's check: waiting).
			element: (el) =>
				void el.setAttribute(
					"data-status",
					state === "pending" ? "canceled" : state === "review" ? "processing" : order.status,
				),
		})
		// The page's filler writes each key in the page's language.
		.on("#cancel-heading", {
			element: (el) => void el.setAttribute("data-i18n", `cancel.${state}.heading`),
		})
		.on("#cancel-detail", {
			element: (el) => void el.setAttribute("data-i18n", `cancel.${state}.detail`),
		})
		.on("#cancel-summary", {
			element(el) {
				el.removeAttribute("hidden");
				el.setInnerContent(summary);
			},
		});
	if (state === "failed")
		rewriter.on("#cancel-reason", {
			element(el) {
				el.removeAttribute("hidden");
				el.setInnerContent(declineText(order.failureCode, locale));
			},
		});
	if (button)
		rewriter
			.on("#resume-form", { element: (el) => void el.removeAttribute("hidden") })
			.on("#resume", { element: (el) => void el.setAttribute("data-i18n", button) })
			.on("#resume-form input[type=hidden]", {
				element(el) {
					const name = el.getAttribute("name") ?? "";
					if (name in value) el.setAttribute("value", value[name] ?? "");
				},
			});
	else if (page)
		rewriter.on("#view-order", {
			element(el) {
				el.removeAttribute("hidden");
				el.setAttribute("href", page);
			},
		});
	return rewriter.transform(res);
}
