import { Hono } from "hono";
import { html } from "hono/html";
import type { Db } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { formatMoney } from "../lib/money.ts";
import { listActiveProducts } from "../services/catalog.ts";
import { PAGES } from "./page-paths.ts";

/**
 * Our HTML pages are served through the worker (each is listed in
 * wrangler.toml `run_worker_first`, which a test checks) so their
 * Content-Security-Policy can name the Stripe emulator in local mode; scripts,
 * styles and images stay plain static assets.
 */
export const pageRoutes = new Hono<AppEnv>();
for (const [path, asset] of Object.entries(PAGES)) {
	pageRoutes.get(path, async (c) => {
		const res = await c.env.ASSETS.fetch(
			new Request(new URL(asset, c.req.url), { headers: c.req.raw.headers }),
		);
		if (asset !== "/index.html" || !res.ok) return new Response(res.body, res);
		return withBuyNowForms(res, await noScriptCatalog(c.var.deps.db));
	});
}

/** Without JavaScript the storefront still sells: one "Buy now" form per product, inside <noscript>. */
async function noScriptCatalog(db: Db): Promise<string> {
	const products = await listActiveProducts(db);
	const items = products.map(
		(p) => html`<li class="product-card">
	<h2>${p.name}</h2>
	<p>${p.description}</p>
	<p class="price">${formatMoney(p.unitAmount, p.currency)}</p>
	<form method="post" action="/create-checkout-session">
		<input type="hidden" name="productId" value="${p.id}" />
		<label for="nojs-qty-${p.id}">Quantity</label>
		<input id="nojs-qty-${p.id}" name="quantity" type="number" min="1" max="99" value="1" inputmode="numeric" />
		<button type="submit" class="btn btn-primary">Buy ${p.name} now</button>
	</form>
</li>`,
	);
	return (await html`<ul class="product-grid">${items}</ul>`).toString();
}

function withBuyNowForms(res: Response, catalog: string): Response {
	const page = new Response(res.body, res);
	page.headers.set("Cache-Control", "no-cache");
	return new HTMLRewriter()
		.on("noscript", {
			element(el) {
				el.append(catalog, { html: true });
			},
		})
		.transform(page);
}
