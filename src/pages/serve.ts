import type { Context } from "hono";
import { isMessageKey, type Locale, loadCatalogues, type MessageKey } from "../i18n/catalogues.ts";
import type { AppEnv } from "../routes/app-env.ts";
import { accountsOn } from "../routes/signed-in.ts";
import { type ShopIdentity, shopIdentity } from "../services/shop/identity.ts";
import { requestLocale } from "./locale.ts";
import { localizePage } from "./localize.ts";

/** Serving a shopper page from `public/`, in the shopper's language. */

/** The shop's "page not found", in the shopper's language, for a browser asking for a page. */
export async function notFoundPage(c: Context<AppEnv>): Promise<Response> {
	const res = await pageAsset(c, "/404.html");
	return localized(
		c,
		new Response(res.body, { status: 404, headers: res.headers }),
		requestLocale(c),
	);
}

/**
 * A refused form post (or download link) from a browser: the shop's page (the 404 page's layout)
 * with our words for the error's code and a link back to the shop, under the
 * same status as the JSON answer.
 */
export async function errorPage(
	c: Context<AppEnv>,
	status: number,
	code: string,
	heading: MessageKey = "errorPage.heading",
	/** Where its language switch leads: the shop by default (a refused post cannot be fetched again). */
	switchTo = new URL("/", c.req.url),
): Promise<Response> {
	const res = await pageAsset(c, "/404.html");
	const message = `error.${code}`;
	const detail = isMessageKey(message) ? message : "error.generic";
	const page = new Response(res.body, { status, headers: res.headers });
	return localized(
		c,
		page,
		requestLocale(c),
		{
			"notFound.title": "errorPage.title",
			"notFound.heading": heading,
			"notFound.detail": detail,
		},
		switchTo,
	);
}

/**
 * A page of `public/`, to be filled in: the catalogues are read with it (once
 * per isolate), so every page rendered from here can be put in any language.
 */
export async function pageAsset(c: Context<AppEnv>, asset: string): Promise<Response> {
	const [res, , shop] = await Promise.all([
		c.env.ASSETS.fetch(new Request(new URL(asset, c.req.url))),
		loadCatalogues(c.env.ASSETS),
		// The shop's name, colour and legal lines for the shell (read once per isolate and kept).
		shopIdentity(c.var.deps.db, c.var.config.shopDefaults, c.var.deps.now()),
	]);
	c.set("shop", shop);
	return new Response(res.body, res);
}

/** The identity `pageAsset` read for this request's page. */
export function pageShop(c: Context<AppEnv>): ShopIdentity {
	const shop = c.get("shop");
	if (!shop) throw new Error("pageShop: the page was not read through pageAsset");
	return shop;
}

/** The page in `locale`; it differs by language, so no validator is kept and caches must ask. */
export function localized(
	c: Context<AppEnv>,
	res: Response,
	locale: Locale,
	instead: Partial<Record<MessageKey, MessageKey>> = {},
	switchTo = new URL(c.req.url),
): Response {
	const page = localizePage(res, locale, switchTo, pageShop(c), instead, accountsOn(c));
	page.headers.delete("ETag");
	page.headers.set("Cache-Control", "no-cache");
	page.headers.set("Vary", "Accept-Language, Cookie");
	for (const cookie of c.res.headers.getSetCookie()) page.headers.append("Set-Cookie", cookie);
	return page;
}
