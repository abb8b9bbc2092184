import type { Context } from "hono";
import { html } from "hono/html";
import { type Locale, translate } from "../i18n/catalogues.ts";
import type { AppEnv } from "../routes/app-env.ts";
import { orderOfLink, PAYABLE, stateOf } from "./cancel-page.ts";
import { pageShop } from "./serve.ts";

/**
 * `/pay.html?order_id=…&token=…` (SPEC 16): our page with Stripe's Payment
 * Element, for the order the link names and only with its own token. The
 * worker adds Stripe.js (js.stripe.com, or the emulator's stand-in offline),
 * what the page needs to know about the shop (its publishable key, where it
 * ships, promotion codes, its terms), and the form that pays the same order on
 * Stripe's hosted page instead, which works without JavaScript. An order with
 * nothing left to pay goes to the page that says what is true of it (the
 * cancel page); a link naming no such order gets no Stripe.js at all.
 */
export async function withPayPage(
	c: Context<AppEnv>,
	res: Response,
	locale: Locale,
): Promise<Response> {
	const linked = await orderOfLink(c);
	if (!linked)
		return new HTMLRewriter()
			.on("#pay-unavailable", {
				element(el) {
					el.removeAttribute("hidden");
					el.setAttribute("data-i18n", "pay.nothing");
				},
			})
			.transform(res);
	if (linked.moved) return c.redirect(`/pay.html?${linked.moved}`, 303);
	const { order, token } = linked;
	if (!PAYABLE[stateOf(order)]) {
		const page = new URLSearchParams({ order_id: order.id, token, lang: locale });
		return c.redirect(`/cancel.html?${page}`, 303);
	}
	const { config } = c.var;
	const settings = config.checkout;
	const ships = settings.shippingCountries.length > 0 && (await holdsShippable(c, order.id));
	const shop = pageShop(c);
	const terms = settings.requireTerms && shop.pages.includes("terms");
	const hidden: Record<string, string> = { orderId: order.id, resumeToken: token, locale };
	const data: Record<string, string> = {
		"data-publishable-key": config.publishableKey ?? "",
		"data-promotion-codes": settings.promotionCodes ? "on" : "off",
		...(ships && { "data-ships-to": settings.shippingCountries.join(",") }),
		...(terms && { "data-terms-url": `/pages/terms?lang=${locale}` }),
		// A signed-in shopper's checkout (SPEC 14): their saved cards, their e-mail.
		...(order.customerId && { "data-customer": "on" }),
	};
	const script = (await html`<script src="${config.stripeJsUrl}"></script>`).toString();
	// Written whole: what is inside <noscript> is text to the rewriter, not elements to fill.
	const noScript = (
		await html`<p class="alert">${translate(locale, "pay.noScript")}</p>`
	).toString();
	return new HTMLRewriter()
		.on("head", { element: (el) => void el.append(script, { html: true }) })
		.on("noscript", { element: (el) => void el.setInnerContent(noScript, { html: true }) })
		.on("body", {
			element(el) {
				for (const [name, value] of Object.entries(data)) el.setAttribute(name, value);
			},
		})
		.on("#hosted-form", { element: (el) => void el.removeAttribute("hidden") })
		.on("#hosted-form input[type=hidden]", {
			element(el) {
				const name = el.getAttribute("name") ?? "";
				if (name in hidden) el.setAttribute("value", hidden[name] ?? "");
			},
		})
		.transform(res);
}

/** Whether an order holds a product that ships (its page asks for an address). */
async function holdsShippable(c: Context<AppEnv>, orderId: string): Promise<boolean> {
	const row = await c.var.deps.db.$client
		.prepare(
			"select exists(select 1 from order_items i join products p on p.id = i.product_id where i.order_id = ? and p.shippable = 1) as ships",
		)
		.bind(orderId)
		.first<{ ships: number }>();
	return row?.ships === 1;
}
