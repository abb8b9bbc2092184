import { html } from "hono/html";
import { type Locale, translate } from "../i18n/catalogues.ts";
import { postalLines } from "../lib/postal-address.ts";
import type { OrderItemRow, OrderRow } from "../services/orders/orders.ts";
import { orderNumber, shippingAddressOf } from "../services/orders/view.ts";
import { addressOnOneLine, type ShopIdentity } from "../services/shop/identity.ts";

/**
 * `GET /admin/orders/:id/packing-slip` (SPEC 17), and `GET
 * /admin/packing-slips?ids=` for several: a page to print and put in each
 * parcel, in its order's language: the shop (its logo, name, who sells and its
 * contact), the order's number and date, where it goes, and what is in it (no
 * prices: a slip travels with the goods, perhaps as a gift). Each order's slip
 * starts a printed page.
 */
export function packingSlips(
	list: { order: OrderRow; items: OrderItemRow[] }[],
	shop: ShopIdentity,
): string {
	const first = list[0];
	const locale = first ? localeOf(first.order) : "en";
	const title =
		list.length === 1 && first
			? `${translate(locale, "slip.title")} · ${translate(locale, "slip.order", { number: orderNumber(first.order.id) })}`
			: translate(locale, "slip.title");
	const page = html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<link rel="stylesheet" href="/css/slip.css">
</head>
<body>
<main>
${list.map(({ order, items }) => slip(order, items, shop))}
</main>
</body>
</html>
`;
	if (page instanceof Promise) throw new Error("the packing slip must render synchronously");
	return page.toString();
}

const localeOf = (order: OrderRow): Locale => (order.locale === "fr" ? "fr" : "en");

function slip(order: OrderRow, items: OrderItemRow[], shop: ShopIdentity) {
	const locale = localeOf(order);
	const t = (key: Parameters<typeof translate>[1], params?: Record<string, string>) =>
		translate(locale, key, params);
	const number = orderNumber(order.id);
	const date = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(
		order.paidAt ?? order.createdAt,
	);
	const address = postalLines(order.shippingName, shippingAddressOf(order), locale);
	const seller = [shop.legalName ?? shop.name, addressOnOneLine(shop)].filter(Boolean).join(" · ");
	return html`<article class="slip" lang="${locale}">
<header class="slip-shop">
${shop.logoUrl ? html`<img src="${shop.logoUrl}" alt="" height="40">` : ""}
<p class="slip-shop-name">${shop.name}</p>
</header>
<div class="slip-body">
<h1>${t("slip.title")}</h1>
<p class="slip-order"><strong>${t("slip.order", { number })}</strong><br>${t("slip.date", { date })}</p>
${
	address.length > 0
		? html`<section class="slip-address"><h2>${t("slip.shipTo")}</h2><p>${address.map((l, i) => html`${i > 0 ? html`<br>` : ""}${l}`)}</p>${
				order.shippingPhone ? html`<p>${t("slip.phone", { phone: order.shippingPhone })}</p>` : ""
			}${
				// Which carrier the packer hands it to.
				order.shippingRateName
					? html`<p class="slip-method">${t("slip.method", { rate: order.shippingRateName })}</p>`
					: ""
			}</section>`
		: ""
}
<table class="slip-items">
<thead><tr><th scope="col">${t("slip.item")}</th><th scope="col" class="slip-qty">${t("slip.quantity")}</th></tr></thead>
<tbody>
${items.map((i) => html`<tr><td>${i.name}</td><td class="slip-qty">${i.quantity}</td></tr>`)}
</tbody>
</table>
<p>${t("slip.thanks")}</p>
</div>
<footer class="slip-footer">
<p>${seller}</p>
${shop.contactEmail ? html`<p>${t("slip.questions", { email: shop.contactEmail })}</p>` : ""}
</footer>
</article>`;
}
