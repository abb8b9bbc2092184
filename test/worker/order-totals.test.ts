import { exports } from "cloudflare:workers";
import { formatMoney } from "shop-money";
import { describe, expect, it } from "vitest";
import { totalRows } from "../../src/emails/templates/order-parts.ts";
import { orderItemsOf } from "../../src/services/orders/orders.ts";
import { adminOrder } from "../../src/services/orders/view.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { db, getOrder, insertOrder } from "./helpers/db.ts";

// An order with every line: a promotion code, shipping at a named rate, tax and a partial refund.
const FIELDS = {
	status: "paid" as const,
	checkoutCompleted: true,
	subtotal: 6050,
	amountDiscount: 500,
	discountCode: "WELCOME10",
	amountShipping: 700,
	shippingName: "Jeanne Martin",
	shippingCity: "Paris",
	shippingCountry: "FR",
	shippingRateName: "Colissimo",
	amountTax: 320,
	amount: 6570,
	amountRefunded: 1000,
};
const EXPECTED = ["$60.50", "−$5.00", "$7.00", "$3.20", "$65.70", "−$10.00"];

/** The success page's totals, as the shopper reads them: [row id, amount]. */
async function successPageTotals(sessionId: string) {
	const res = await exports.default.fetch(`${ORIGIN}/success.html?session_id=${sessionId}&lang=en`);
	const html = await res.text();
	const table = /<tfoot id="order-totals">([\s\S]*?)<\/tfoot>/.exec(html)?.[1] ?? "";
	return [...table.matchAll(/<td class="num" id="order-(\w+)">(?:<strong>)?([^<]*)/g)].map((m) => [
		m[1],
		m[2],
	]);
}

describe("an order's totals, the same for every reader (the one view)", () => {
	it("are the same lines and amounts on the success page, in the e-mail and in the console's JSON", async () => {
		const order = await insertOrder(FIELDS);
		const page = await successPageTotals(order.stripeCheckoutSessionId ?? "");
		expect(page).toEqual(
			["subtotal", "discount", "shipping", "tax", "total", "refunded"].map((kind, i) => [
				kind,
				EXPECTED[i],
			]),
		);

		const row = await getOrder(order.id);
		const view = adminOrder(row, await orderItemsOf(db, order.id), Date.now());
		expect(totalRows(view).map((r) => r.value)).toEqual(EXPECTED);

		const res = await exports.default.fetch(`${ORIGIN}/admin/orders/${order.id}`, {
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
		});
		const json = await res.json<{ totals: { kind: string; amount: number }[] }>();
		// The console shows each line's amount, taken off for a discount or a refund.
		const shown = json.totals.map(
			(line) =>
				`${line.kind === "discount" || line.kind === "refunded" ? "−" : ""}${formatMoney(line.amount, "usd")}`,
		);
		expect(shown).toEqual(EXPECTED);
	});

	it("say tax-inclusive prices' tax is included, never as if added on top", async () => {
		// Tax-inclusive prices: the total is items − discount + shipping; the tax is inside it.
		const order = await insertOrder({
			...FIELDS,
			amountTax: 1095,
			amount: 6250,
			amountRefunded: 0,
		});
		const page = await (
			await exports.default.fetch(
				`${ORIGIN}/success.html?session_id=${order.stripeCheckoutSessionId}&lang=fr`,
			)
		).text();
		expect(page).toMatch(/Dont taxes<\/th>\s*<td class="num" id="order-tax">10,95\s\$US/);
		const row = await getOrder(order.id);
		const view = adminOrder(row, await orderItemsOf(db, order.id), Date.now());
		expect(view.totals.find((line) => line.kind === "tax")).toEqual({
			kind: "tax",
			amount: 1095,
			included: true,
		});
		expect(totalRows({ ...view, locale: "en" }).find((r) => r.value === "$10.95")?.label).toBe(
			"Including tax",
		);
		// Tax added on top (the first test's order) is not "included".
		const added = adminOrder(await getOrder((await insertOrder(FIELDS)).id), [], Date.now());
		expect(added.totals.find((line) => line.kind === "tax")).toMatchObject({ included: false });
	});
});
