import { html } from "hono/html";
import type { InfoPage } from "../domain/vocabulary.ts";
import { addressOnOneLine, type ShopIdentity } from "../services/shop/identity.ts";

/**
 * What every page of the shop has around its own content, written once: the
 * head's common lines (before the page's own, so base.css comes before the
 * page's stylesheet), the shop's accent colour, the skip link, the shop's name
 * in the header and the footer with its legal lines and contact. A page in
 * `public/` carries only what is its own, inside
 * `<header class="site-header"><div class="wrap header-inner">…</div></header>`
 * and `<footer class="site-footer"></footer>`, and the worker writes the rest
 * as the page leaves (the shopper's pages in their language, the console in
 * English).
 */
export interface ShellWords {
	skip: string;
	/** The header's last word, after the shop's name: the language links, or the console's tag. */
	headerEnd: string;
	/** The footer's words; the console has no footer. */
	footer?: FooterWords;
}

export interface FooterWords {
	/** The contact line ("Contact: {email}"). */
	contact: (email: string) => string;
	/** The information pages' list's name, and each page's title. */
	pagesLabel: string;
	pageTitle: (slug: InfoPage) => string;
}

const HEAD = `<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="color-scheme" content="light dark" />
<link rel="icon" href="/favicon.svg" type="image/svg+xml" />
<link rel="stylesheet" href="/css/base.css" />`;

/** Adds the shell's handlers to a page's rewriter. */
export function withShell(
	rewriter: HTMLRewriter,
	shop: ShopIdentity,
	words: ShellWords,
): HTMLRewriter {
	return rewriter
		.on("head", {
			element(el) {
				el.prepend(HEAD, { html: true });
				// The owner's colour (the identity allows #rrggbb only), for the pages' accent.
				if (shop.accentColor)
					el.append(
						`<link rel="stylesheet" href="/theme.css?accent=${shop.accentColor.slice(1)}" />`,
						{ html: true },
					);
			},
		})
		.on("body", {
			element(el) {
				el.prepend(html`<a class="skip-link" href="#main">${words.skip}</a>`.toString(), {
					html: true,
				});
			},
		})
		.on(".site-header > .header-inner", {
			element(el) {
				// The owner's logo, else the shop's mark; the name beside it says what it is (alt "").
				const brand = html`<a class="brand" href="/"><img src="${shop.logoUrl ?? "/favicon.svg"}" alt="" width="28" height="28" /><span>${shop.name}</span></a>`;
				el.prepend(`${brand}${words.headerEnd}`, { html: true });
			},
		})
		.on("footer.site-footer", {
			element(el) {
				if (words.footer) el.setInnerContent(footer(shop, words.footer).toString(), { html: true });
			},
		});
}

/** Who sells (the legal name and address the owner gave, else the shop's name), how to reach them, and the information pages with text. */
function footer(shop: ShopIdentity, words: FooterWords) {
	const seller = [shop.legalName ?? shop.name, addressOnOneLine(shop)].filter(Boolean).join(" · ");
	const email = shop.contactEmail;
	return html`<div class="wrap"><p>${seller}</p>${
		email ? html`<p><a href="mailto:${email}">${words.contact(email)}</a></p>` : ""
	}${
		shop.pages.length > 0
			? html`<nav class="footer-pages" aria-label="${words.pagesLabel}"><ul>${shop.pages.map(
					(slug) => html`<li><a href="/pages/${slug}">${words.pageTitle(slug)}</a></li>`,
				)}</ul></nav>`
			: ""
	}</div>`;
}

/** The console's shell: English, the shop's name tagged "Admin", no footer. */
export function consoleShell(res: Response, shop: ShopIdentity): Response {
	return withShell(new HTMLRewriter(), shop, {
		skip: "Skip to content",
		headerEnd: `<span class="header-tag">Admin</span>`,
	})
		.on("title", {
			element(el) {
				el.setInnerContent(`Admin — ${shop.name}`);
			},
		})
		.transform(res);
}
