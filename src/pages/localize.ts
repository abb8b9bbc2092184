import { html, raw } from "hono/html";
import type { InfoPage } from "../domain/vocabulary.ts";
import {
	catalogue,
	infoPageTitle,
	isMessageKey,
	LOCALES,
	type Locale,
	type MessageKey,
	translate,
} from "../i18n/catalogues.ts";
import type { ShopIdentity } from "../services/shop/identity.ts";
import { withShell } from "./shell.ts";

/**
 * Puts a page in the shopper's language before it leaves the worker, so it is
 * right without JavaScript and before any script runs:
 * - `<html lang>`;
 * - `data-i18n="key"`: the element's text; `data-i18n-attr="attr:key attr:key"`:
 *   attributes (`content`, `aria-label`, `alt`…);
 * - the shell around the page (./shell.ts), its header with a link per
 *   language to this page in it (`?lang=`);
 * - a `<script type="application/json" id="messages">` data block with the
 *   catalogue, for the page's own scripts (`public/js/i18n.js`).
 */
export function localizePage(
	res: Response,
	locale: Locale,
	url: URL,
	shop: ShopIdentity,
	/** Keys whose place takes another message (a page reused as a shell). */
	instead: Partial<Record<MessageKey, MessageKey>> = {},
	/** Customer accounts are on (SPEC 14): the header links to the account page. */
	accounts = false,
): Response {
	const account = accounts
		? html`<a id="account-link" class="account-link" href="/account.html?lang=${locale}"${url.pathname === "/account.html" ? raw(' aria-current="page"') : ""}>${translate(locale, "layout.account")}</a>`
		: "";
	const words = {
		skip: translate(locale, "layout.skip"),
		headerEnd:
			html`${account}<nav id="lang-switch" class="lang-switch" aria-label="${translate(locale, "layout.language")}">${raw(languageLinks(locale, url))}</nav>`.toString(),
		footer: {
			contact: (email: string) => translate(locale, "layout.contact", { email }),
			pagesLabel: translate(locale, "layout.infoPages"),
			pageTitle: (slug: InfoPage) => translate(locale, infoPageTitle(slug)),
		},
	};
	// "{shop}" in a message (the pages' titles) is the shop's name.
	const t = (key: MessageKey) => translate(locale, key, { shop: shop.name });
	return withShell(new HTMLRewriter(), shop, words)
		.on("html", {
			element(el) {
				el.setAttribute("lang", locale);
			},
		})
		.on("[data-i18n]", {
			element(el) {
				const key = el.getAttribute("data-i18n");
				if (isMessageKey(key)) el.setInnerContent(t(instead[key] ?? key));
			},
		})
		.on("[data-i18n-attr]", {
			element(el) {
				for (const pair of (el.getAttribute("data-i18n-attr") ?? "").split(/\s+/)) {
					const [attr, key] = pair.split(":");
					if (attr && isMessageKey(key)) el.setAttribute(attr, t(key));
				}
			},
		})
		.on("head", {
			element(el) {
				el.append(messagesBlock(locale, shop.name), { html: true });
			},
		})
		.transform(res);
}

/** The catalogue as JSON that cannot close its `<script>` element. */
function messagesBlock(locale: Locale, shopName: string): string {
	// The pages' scripts never show an e-mail's texts: they stay out of every page.
	const forPages = Object.entries(catalogue(locale))
		.filter(([key]) => !key.startsWith("email."))
		.map(([key, text]) => [key, text.replaceAll("{shop}", shopName)]);
	const json = JSON.stringify(Object.fromEntries(forPages)).replace(/</g, "\\u003c");
	return `<script type="application/json" id="messages">${json}</script>`;
}

/** "English · Français": each language named in itself, the current one marked. */
function languageLinks(current: Locale, url: URL): string {
	return LOCALES.map((locale) => {
		const target = new URL(url);
		target.searchParams.set("lang", locale);
		const name = translate(locale, "layout.languageName");
		const mark = locale === current ? raw(' aria-current="true"') : "";
		// Always a path of this site ("//host/…" would be another site's address).
		const path = target.pathname.replace(/^\/+/, "/");
		return html`<a href="${path}${target.search}" hreflang="${locale}" lang="${locale}"${mark}>${name}</a>`;
	}).join(" ");
}
