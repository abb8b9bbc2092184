import { html } from "hono/html";

/**
 * What every page of the shop has around its own content, written once: the
 * head's common lines (before the page's own, so base.css comes before the
 * page's stylesheet), the skip link, the brand in the header and the footer.
 * A page in `public/` carries only what is its own, inside
 * `<header class="site-header"><div class="wrap header-inner">…</div></header>`
 * and `<footer class="site-footer"></footer>`, and the worker writes the rest
 * as the page leaves (the shopper's pages in their language, the console in
 * English).
 */
export interface ShellWords {
	skip: string;
	brand: string;
	/** The header's last word, after the brand: the shop's language links, or the console's tag. */
	headerEnd: string;
	/** The footer's line; a page without one (the console) has no footer. */
	footer?: string;
}

const HEAD = `<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="color-scheme" content="light dark" />
<link rel="icon" href="/favicon.svg" type="image/svg+xml" />
<link rel="stylesheet" href="/css/base.css" />`;

/** Adds the shell's handlers to a page's rewriter. */
export function withShell(rewriter: HTMLRewriter, words: ShellWords): HTMLRewriter {
	return rewriter
		.on("head", {
			element(el) {
				el.prepend(HEAD, { html: true });
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
				const brand = html`<a class="brand" href="/"><img src="/favicon.svg" alt="" width="28" height="28" /><span>${words.brand}</span></a>`;
				el.prepend(`${brand}${words.headerEnd}`, { html: true });
			},
		})
		.on("footer.site-footer", {
			element(el) {
				if (words.footer === undefined) return;
				el.setInnerContent(html`<div class="wrap"><p>${words.footer}</p></div>`.toString(), {
					html: true,
				});
			},
		});
}

/** The console's shell: English, the brand tagged "Admin", no footer. */
export function consoleShell(res: Response): Response {
	return withShell(new HTMLRewriter(), {
		skip: "Skip to content",
		brand: "Bean & Leaf",
		headerEnd: `<span class="header-tag">Admin</span>`,
	}).transform(res);
}
