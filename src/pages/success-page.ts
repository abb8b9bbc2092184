import type { Context } from "hono";
import { html, raw } from "hono/html";
import { formatMoney } from "shop-money";
import { DOWNLOAD_LIMIT, linkEnds } from "../domain/downloads.ts";
import type { TotalLine } from "../domain/order-totals.ts";
import { isOpenStatus } from "../domain/transitions.ts";
import {
	countryName,
	declineText,
	type Locale,
	type MessageKey,
	translate,
} from "../i18n/catalogues.ts";
import { webUrl } from "../lib/web-url.ts";
import type { AppEnv } from "../routes/app-env.ts";
import { type DownloadView, downloadView } from "../services/orders/delivery.ts";
import type { DownloadRow } from "../services/orders/orders.ts";
import { currentOrderOfSession } from "../services/orders/sync.ts";
import { publicOrder } from "../services/orders/view.ts";
import { isSubscriptionCheckout } from "../services/subscriptions/view.ts";

type OrderView = ReturnType<typeof publicOrder>;

/**
 * `/success.html?session_id=…` as the worker sends it: the order's real state
 * (status, items, totals, where it ships, how it was paid, its tracking), so the
 * page is right without JavaScript; while the order is not final, a page without
 * scripts refreshes itself every few seconds and its script asks the API instead.
 */
export async function withOrderState(
	c: Context<AppEnv>,
	res: Response,
	locale: Locale,
): Promise<Response> {
	const sessionId = c.req.query("session_id");
	const found = sessionId ? await currentOrderOfSession(c.var.deps, sessionId) : undefined;
	if (!found && sessionId && (await isSubscriptionCheckout(c.var.deps, sessionId))) {
		// A plan's checkout makes no order: the account page shows the subscription (SPEC 15).
		const next = new URLSearchParams({ subscribed: sessionId, lang: locale });
		return c.redirect(`/account.html?${next}`, 303);
	}
	if (!found) {
		const detail = sessionId ? "success.notFoundDetail" : "success.noSession";
		return withStatus(
			res,
			"not_found",
			translate(locale, "success.notFound"),
			translate(locale, detail),
		);
	}
	const { order } = found;
	const view = publicOrder(order, found.items);
	// Its files, while they may be downloaded: a paid order's, never a refunded one's.
	const delivering = order.status === "paid" || order.status === "fulfilled";
	const links = delivering ? found.downloads : [];
	// Each link as every reader sees it (what it has left, whether it still opens its file).
	const shown = links.map((link) => downloadView(link, "", c.var.deps.now()));
	const usable = shown.filter((link) => link.usable).length;
	const [text, detail] = statusTexts(view, locale, { usable, issued: found.downloads.length });
	// Still changing: not final, or paid while what Stripe's page reported is on its way.
	const open = !view.progress.settled;
	return new HTMLRewriter()
		.on("head", {
			element(el) {
				if (open)
					el.append('<noscript><meta http-equiv="refresh" content="5" /></noscript>', {
						html: true,
					});
			},
		})
		.on("#refresh", {
			element(el) {
				if (!open) return;
				const here = new URL(c.req.url);
				el.setAttribute("href", `${here.pathname}${here.search}`);
				el.removeAttribute("hidden");
			},
		})
		.on("#order", {
			element(el) {
				el.removeAttribute("hidden");
			},
		})
		.on("#order-number", { element: (el) => void el.setInnerContent(view.number) })
		.on("#order-id", { element: (el) => void el.setInnerContent(view.id) })
		.on("#order-items", {
			element: (el) => void el.setInnerContent(itemRows(view, locale), { html: true }),
		})
		.on("#order-totals", {
			element: (el) => void el.setInnerContent(totalRows(view, locale), { html: true }),
		})
		.on("#downloads", {
			element(el) {
				if (links.length > 0) el.removeAttribute("hidden");
			},
		})
		.on("#download-list", {
			element: (el) => void el.setInnerContent(downloadItems(shown, locale), { html: true }),
		})
		.on("#download-note", {
			element: (el) => void el.setInnerContent(downloadNote(links, locale)),
		})
		.on("#order-facts", {
			element: (el) => void el.setInnerContent(facts(view, locale), { html: true }),
		})
		.on("#status", {
			element(el) {
				// Where the order stands as rendered, for the page's script (it has no rule of its own).
				el.setAttribute("data-details-pending", String(view.detailsPending));
				el.setAttribute("data-settled", String(view.progress.settled));
				el.setAttribute("data-paid", String(view.progress.paid));
				el.setAttribute("data-slow", String(view.progress.slow));
			},
		})
		.transform(withStatus(res, order.status, text, detail));
}

function withStatus(res: Response, status: string, text: string, detail: string): Response {
	return new HTMLRewriter()
		.on("#status", { element: (el) => void el.setAttribute("data-status", status) })
		.on("#status-text", {
			element(el) {
				// Its placeholder ("Loading your order…") is not what the shopper reads any more.
				el.removeAttribute("data-i18n");
				el.setInnerContent(text);
			},
		})
		.on("#status-detail", { element: (el) => void el.setInnerContent(detail) })
		.transform(res);
}

/** The headline and the line under it, in the shopper's words. */
function statusTexts(
	view: OrderView,
	locale: Locale,
	links: { usable: number; issued: number },
): [string, string] {
	const t = (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
	if (view.failureCode === "amount_mismatch")
		return isOpenStatus(view.status)
			? [t("success.pending"), t("success.underReview")]
			: [t("success.returned"), t("success.returnedDetail")];
	switch (view.status) {
		case "fulfilled":
			// Fulfilled with no parcel: delivered by its download links.
			return view.fulfillment
				? [t("success.fulfilled"), t("success.fulfilledDetail")]
				: [
						t("success.delivered"),
						t(links.usable > 0 ? "success.deliveredDetail" : "success.deliveredEnded"),
					];
		case "failed":
			return [
				t("success.failed"),
				t("success.failedDetail", { reason: declineText(view.failureCode, locale) }),
			];
		case "refunded":
			// Its downloads, if it had any, were refused from the refund on.
			return [
				t("success.refunded"),
				links.issued > 0
					? `${t("success.refundedDetail")} ${t("success.downloadsEnded")}`
					: t("success.refundedDetail"),
			];
		case "pending":
		case "processing":
		case "paid":
		case "expired":
		case "canceled":
			return [t(`success.${view.status}`), t(`success.${view.status}Detail`)];
	}
}

/** A button per file; a link that may not be used any more says why instead. */
function downloadItems(links: DownloadView[], locale: Locale): string {
	const count = String(DOWNLOAD_LIMIT);
	return links
		.map((link) => {
			const name = link.name;
			if (!link.usable)
				return link.downloadsLeft === 0
					? html`<li>${translate(locale, "success.downloadUsedUp", { name, count })}</li>`
					: html`<li>${translate(locale, "success.downloadExpired", { name })}</li>`;
			const left = translate(locale, "success.downloadsLeft", {
				left: String(link.downloadsLeft),
				count,
			});
			return html`<li><a class="btn btn-primary" href="${link.url}">${translate(locale, "success.download", { name })}</a> <span class="small muted">${left}</span></li>`;
		})
		.join("");
}

/** How long and how often the links work (they were all issued together). */
function downloadNote(links: DownloadRow[], locale: Locale): string {
	const first = links[0];
	if (!first) return "";
	const date = linkEnds(first.expiresAt, locale);
	return translate(locale, "success.downloadNote", { count: String(DOWNLOAD_LIMIT), date });
}

function itemRows(view: OrderView, locale: Locale): string {
	const money = (amount: number) => formatMoney(amount, view.currency, locale);
	return view.items
		.map(
			(item) => html`<tr>
	<th scope="row">${item.name}</th>
	<td class="num">${item.quantity}</td>
	<td class="num">${money(item.unitAmount)}</td>
	<td class="num">${money(item.unitAmount * item.quantity)}</td>
</tr>`,
		)
		.join("");
}

/** Subtotal, then what Stripe's page took off or added, then what was charged (and refunded). */
function totalRows(view: OrderView, locale: Locale): string {
	const t = (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
	const money = (amount: number) => formatMoney(amount, view.currency, locale);
	const row = (id: string, label: string, value: string, strong = false) =>
		html`<tr id="row-${id}">
	<th scope="row" colspan="3"${raw(id === "shipping" ? ' id="order-shipping-label"' : "")}>${label}</th>
	<td class="num" id="order-${id}">${strong ? html`<strong>${value}</strong>` : value}</td>
</tr>`;
	const rowOf = (line: TotalLine) => {
		switch (line.kind) {
			case "subtotal":
				return row("subtotal", t("success.subtotal"), money(line.amount));
			case "discount":
				return row(
					"discount",
					line.code ? t("success.discountCode", { code: line.code }) : t("success.discount"),
					`−${money(line.amount)}`,
				);
			case "shipping":
				return row(
					"shipping",
					line.rateName
						? t("success.shippingRate", { rate: line.rateName })
						: t("success.shipping"),
					money(line.amount),
				);
			case "tax":
				return row(
					"tax",
					t(line.included ? "success.taxIncluded" : "success.tax"),
					money(line.amount),
				);
			case "total":
				return row("total", t("success.total"), money(line.amount), true);
			case "refunded":
				return row("refunded", t("success.refundedAmount"), `−${money(line.amount)}`);
		}
	};
	return view.totals.map(rowOf).join("");
}

/** Where it goes, who it is for, how it was paid, and where it is. */
function facts(view: OrderView, locale: Locale): string {
	const t = (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
	const list: [string, unknown][] = [];
	if (view.shipping) {
		const place = [
			view.shipping.name,
			view.shipping.city,
			countryName(view.shipping.country, locale),
		];
		list.push([t("success.shipTo"), place.filter(Boolean).join(", ")]);
	}
	if (view.emailHint) list.push([t("success.emailFor"), breakableAddress(view.emailHint)]);
	if (view.payment?.last4) {
		const brand = view.payment.brandName ?? t("success.card");
		list.push([
			t("success.paidWith"),
			t("success.cardEnding", { brand, last4: view.payment.last4 }),
		]);
	}
	if (view.payment?.receiptUrl)
		list.push([t("success.receipt"), webLink(view.payment.receiptUrl, t("success.viewReceipt"))]);
	const shipped = view.fulfillment;
	if (shipped) {
		const how =
			[shipped.carrier, shipped.trackingNumber].filter(Boolean).join(" · ") || t("success.shipped");
		list.push([
			t("success.tracking"),
			shipped.trackingUrl ? webLink(shipped.trackingUrl, how) : how,
		]);
	}
	return list.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`).join("");
}

/**
 * An address that may wrap only where a reader expects it to: before the `@`
 * and after a dot of the domain (`<wbr>`), never inside a word.
 */
function breakableAddress(address: string) {
	const at = address.lastIndexOf("@");
	if (at < 0) return address;
	const domain = address.slice(at + 1).split(".");
	return html`<span class="address-text">${address.slice(0, at)}<wbr>@${raw(
		domain.map((part) => html`${part}`.toString()).join(".<wbr>"),
	)}</span>`;
}

/** Only web links become links (the API refuses others; the page does not rely on it). */
function webLink(url: string, text: string) {
	const href = webUrl(url);
	return href
		? html`<a href="${href}" rel="noopener noreferrer" target="_blank">${text}</a>`
		: text;
}
