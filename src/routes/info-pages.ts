import { Hono } from "hono";
import { infoTextHtml } from "../domain/info-text.ts";
import { infoPageTitle, translate } from "../i18n/catalogues.ts";
import { rememberLocaleChoice, requestLocale } from "../pages/locale.ts";
import { localized, pageAsset, pageShop } from "../pages/serve.ts";
import { infoPageText, isInfoPage } from "../services/shop/info-pages.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * `/pages/<slug>` (SPEC 17): the owner's terms of sale, returns and withdrawal,
 * privacy notice, legal notice and contact page, in the shopper's language
 * (the other language's text where the owner wrote none in theirs, said so
 * above it); 404 while the page has no text.
 */
export const infoPageRoutes = new Hono<AppEnv>().get("/:slug", async (c) => {
	const slug = c.req.param("slug");
	if (!isInfoPage(slug)) return c.notFound();
	const locale = requestLocale(c);
	const [res, page] = await Promise.all([
		pageAsset(c, "/page.html"),
		infoPageText(c.var.deps.db, slug, locale),
	]);
	if (!page || !res.ok) return c.notFound();
	rememberLocaleChoice(c);
	const title = translate(locale, infoPageTitle(slug));
	const shopName = pageShop(c).name;
	const filled = new HTMLRewriter()
		.on("title", {
			element(el) {
				el.setInnerContent(`${title} · ${shopName}`);
			},
		})
		.on("#page-title", {
			element(el) {
				el.setInnerContent(title);
			},
		})
		.on("#page-text", {
			element(el) {
				el.setInnerContent(infoTextHtml(page.text), { html: true });
				if (page.locale === locale) return;
				// Written in the other language only: said in the shopper's, and marked for screen readers.
				el.setAttribute("lang", page.locale);
				el.before(`<p class="muted">${translate(locale, "pages.otherLanguage")}</p>`, {
					html: true,
				});
			},
		})
		.transform(res);
	return localized(c, filled, locale);
});
