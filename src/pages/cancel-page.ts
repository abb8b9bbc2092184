import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { type Locale, translatePlural } from "../i18n/catalogues.ts";
import { formatMoney } from "../lib/money.ts";
import { sameToken } from "../lib/secret-compare.ts";
import { findOrder, orderItemsOf } from "../services/orders.ts";

/**
 * `/cancel.html?order_id=…&token=…` as the worker sends it: what the order
 * holds, and "Resume payment" as a real form (the order, its token, the page's
 * language) that works without JavaScript. Without an order to resume, the
 * form stays hidden and the page says so.
 */
export async function withResumeForm(
	c: Context<AppEnv>,
	res: Response,
	locale: Locale,
): Promise<Response> {
	const orderId = c.req.query("order_id") ?? "";
	const token = c.req.query("token") ?? "";
	const order = orderId && token ? await findOrder(c.var.deps.db, orderId) : undefined;
	// Only the order's own token shows what it holds.
	if (!order?.resumeToken || !(await sameToken(token, order.resumeToken))) return res;
	const items = await orderItemsOf(c.var.deps.db, order.id);
	const count = items.reduce((sum, item) => sum + item.quantity, 0);
	const summary = `${translatePlural(locale, "cart.items", count)} · ${formatMoney(order.amount, order.currency, locale)}`;
	const value: Record<string, string> = { orderId: order.id, resumeToken: token, locale };
	return new HTMLRewriter()
		.on("#cancel-summary", {
			element(el) {
				el.removeAttribute("hidden");
				el.setInnerContent(summary);
			},
		})
		.on("#resume-form", { element: (el) => void el.removeAttribute("hidden") })
		.on("#resume-form input[type=hidden]", {
			element(el) {
				const name = el.getAttribute("name") ?? "";
				if (name in value) el.setAttribute("value", value[name] ?? "");
			},
		})
		.transform(res);
}
