import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { formatMoney } from "shop-money";
import type { Db } from "../db/client.ts";
import { MAX_QUANTITY } from "../domain/cart.ts";
import { LOW_STOCK_AT, MAX_LIMITED_PER_CHECKOUT, productText } from "../domain/product.ts";
import { type Locale, translate, translatePlural } from "../i18n/catalogues.ts";
import { withAccountPage } from "../pages/account-page.ts";
import { withResumeForm } from "../pages/cancel-page.ts";
import { rememberLocaleChoice, requestLocale } from "../pages/locale.ts";
import { withPayPage } from "../pages/pay-page.ts";
import { localized, notFoundPage, pageAsset, pageShop } from "../pages/serve.ts";
import { consoleShell } from "../pages/shell.ts";
import { withOrderState } from "../pages/success-page.ts";
import { listActiveProducts } from "../services/catalog/catalog.ts";
import type { AppEnv } from "./app-env.ts";
import { PAGES } from "./page-paths.ts";
import { accountsOn, customerOrGuest } from "./signed-in.ts";

/**
 * Our HTML pages are served through the worker (each is listed in
 * wrangler.toml `run_worker_first`, which a test checks) so their
 * Content-Security-Policy can name the Stripe emulator in local mode; scripts,
 * styles and images stay plain static assets. Each shopper page is sent in the
 * shopper's language, with what it shows filled in by the worker, so it is
 * right without JavaScript.
 */
export const pageRoutes = new Hono<AppEnv>();

type Fill = (c: Context<AppEnv>, res: Response, locale: Locale) => Promise<Response>;

/** What the worker writes into each page before it leaves. */
const FILL: Record<string, Fill> = {
	"/index.html": async (c, res, locale) => {
		const shop = pageShop(c);
		const taxes = taxNote(c.var.config.automaticTax, shop.pricesIncludeTax);
		// Rates for some countries only: the cart asks where the goods go, among these.
		const countries = c.var.config.checkout.shippingCountries;
		const shipsTo = shop.ratesByCountry && countries.length > 0 ? countries : [];
		const catalog = await noScriptCatalog(c.var.deps.db, locale, taxes, accountsOn(c));
		const onOurPage = c.var.config.checkout.ui === "elements";
		// Plans need a signed-in shopper (SPEC 15): their cards offer to subscribe, or to sign in.
		const account = accountsOn(c)
			? (await customerOrGuest(c))
				? "signed-in"
				: "signed-out"
			: null;
		return withBuyNowForms(res, catalog, taxes, shipsTo, onOurPage, account);
	},
	"/success.html": withOrderState,
	"/cancel.html": withResumeForm,
	"/pay.html": withPayPage,
	"/account.html": withAccountPage,
};

for (const [path, asset] of Object.entries(PAGES)) {
	pageRoutes.get(path, async (c) => {
		// Customer accounts are off without SESSION_SECRET: no such page.
		if (asset === "/account.html" && !accountsOn(c)) return notFoundPage(c);
		const res = await pageAsset(c, asset);
		if (!res.ok) return res;
		// The operator's console is English only.
		if (asset === "/admin.html") return consoleShell(res, pageShop(c));
		const locale = requestLocale(c);
		rememberLocaleChoice(c);
		const fill = FILL[asset];
		const filled = fill ? await fill(c, res, locale) : res;
		// Sent elsewhere (an order with nothing left to pay on /pay.html): nothing to put in a language.
		if (filled.status >= 300 && filled.status < 400) return filled;
		return localized(c, filled, locale, {}, switchTarget(c, asset));
	});
}

/**
 * Without JavaScript the storefront still sells: one "Buy now" form per
 * product, inside <noscript>; a sold-out one stays listed, its button disabled.
 */
async function noScriptCatalog(
	db: Db,
	locale: Locale,
	taxes: TaxNote,
	/** Plans are on sale (SPEC 15: accounts on). */
	plans: boolean,
): Promise<string> {
	const label =
		taxes === "none"
			? ""
			: ` ${translate(locale, taxes === "included" ? "shop.taxIncluded" : "shop.taxAdded")}`;
	const products = (await listActiveProducts(db, plans)).map((p) => ({
		...p,
		...productText(p, locale),
	}));
	const items = products.map((p) => {
		const soldOut = p.stock !== null && p.stock <= 0;
		const max = p.stock === null ? MAX_QUANTITY : Math.min(MAX_LIMITED_PER_CHECKOUT, p.stock);
		const stockNote = soldOut
			? html`<p class="stock-note sold-out">${translate(locale, "shop.soldOut")}</p>`
			: p.stock !== null && p.stock <= LOW_STOCK_AT
				? html`<p class="stock-note">${translatePlural(locale, "shop.onlyLeft", p.stock)}</p>`
				: "";
		// Without a picture, the card's neutral tile (never a broken image).
		const image = p.imageUrl
			? html`<img class="product-image" src="${p.imageUrl}" alt="${p.name}" width="320" height="200" loading="lazy" />`
			: "";
		return html`<li class="product-card${p.imageUrl ? " has-image" : ""}">
	${image}
	<h2>${p.name}</h2>
	<p>${p.description}</p>
	<p class="price">${pricePer(p.unitAmount, p.currency, p.recurringInterval, locale)}${label}</p>
	${stockNote}
	<form method="post" action="/create-checkout-session">
		<input type="hidden" name="productId" value="${p.id}" />
		<input type="hidden" name="locale" value="${locale}" />
		<label for="nojs-qty-${p.id}">${translate(locale, "shop.quantity")}</label>
		<input id="nojs-qty-${p.id}" name="quantity" type="number" min="1" max="${max}" value="1" inputmode="numeric"${soldOut ? html` disabled` : ""} />
		<button type="submit" class="btn btn-primary"${soldOut ? html` disabled` : ""}>${
			soldOut
				? translate(locale, "shop.soldOut")
				: translate(locale, "shop.buyNamed", { name: p.name })
		}</button>
	</form>
</li>`;
	});
	return (await html`<ul class="product-grid">${items}</ul>`).toString();
}

/**
 * What the storefront says of tax: prices that include it ("incl. VAT"), prices
 * Stripe adds it to ("excl. tax", with AUTOMATIC_TAX=on), or nothing.
 */
type TaxNote = "included" | "added" | "none";
const taxNote = (automaticTax: boolean, pricesIncludeTax: boolean): TaxNote =>
	pricesIncludeTax ? "included" : automaticTax ? "added" : "none";

function withBuyNowForms(
	res: Response,
	catalog: string,
	taxes: TaxNote,
	shipsTo: readonly string[],
	/** Paid on our own page (CHECKOUT_UI=elements): the cart says so, not "Stripe's page". */
	onOurPage: boolean,
	/** With accounts on, whether the shopper is signed in (plans' cards depend on it). */
	account: "signed-in" | "signed-out" | null,
): Response {
	const page = new Response(res.body, res);
	page.headers.set("Cache-Control", "no-cache");
	const rewriter = new HTMLRewriter();
	if (onOurPage)
		rewriter
			.on(".fine-print", {
				element: (el) => void el.setAttribute("data-i18n", "cart.finePrintOnPage"),
			})
			.on("#ship-to-hint", {
				element: (el) => void el.setAttribute("data-i18n", "cart.shipToHintOnPage"),
			});
	return (
		rewriter
			.on("noscript", {
				element(el) {
					el.append(catalog, { html: true });
				},
			})
			// How the storefront's script labels prices, and what the cart's total leaves to Stripe's page.
			.on("body", {
				element(el) {
					el.setAttribute("data-taxes", taxes);
					if (account) el.setAttribute("data-account", account);
					if (shipsTo.length > 0) el.setAttribute("data-ships-to", shipsTo.join(","));
				},
			})
			.transform(page)
	);
}

/**
 * Where a page's language links lead: the same page, but the account page
 * without the one-off notice of the step that led to it (a switch would say it
 * again), keeping a sign-in link's token.
 */
function switchTarget(c: Context<AppEnv>, asset: string): URL {
	const url = new URL(c.req.url);
	if (asset !== "/account.html") return url;
	const token = url.searchParams.get("token");
	const target = new URL("/account.html", url);
	if (token) target.searchParams.set("token", token);
	return target;
}

/** A price as the storefront says it: a plan's per month or per year (SPEC 15). */
function pricePer(
	amount: number,
	currency: string,
	interval: "month" | "year" | null,
	locale: Locale,
): string {
	const price = formatMoney(amount, currency, locale);
	if (!interval) return price;
	return translate(locale, interval === "month" ? "shop.perMonth" : "shop.perYear", { price });
}
