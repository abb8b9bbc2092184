import { Hono } from "hono";
import { ACCENT_COLOR } from "../domain/shop.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * `/theme.css?accent=rrggbb`: the owner's accent colour as the stylesheets'
 * variables (the shell links it when the shop has one). The colour is in the
 * address, so the answer never changes: cached for good. Dark mode takes a
 * lighter mix of it, with dark text on it, as base.css's own palette does.
 */
export const themeRoutes = new Hono<AppEnv>().get("/theme.css", (c) => {
	const accent = `#${c.req.query("accent") ?? ""}`;
	if (!ACCENT_COLOR.test(accent)) return c.notFound();
	const css = `:root {
	--accent: ${accent};
	--accent-hover: color-mix(in srgb, ${accent} 80%, black);
	--accent-soft: color-mix(in srgb, ${accent} 12%, white);
	--on-accent: #ffffff;
}
@media (prefers-color-scheme: dark) {
	:root {
		--accent: color-mix(in srgb, ${accent} 45%, white);
		--accent-hover: color-mix(in srgb, ${accent} 30%, white);
		--accent-soft: color-mix(in srgb, ${accent} 25%, black);
		--on-accent: #111111;
	}
}
`;
	return c.body(css, 200, {
		"Content-Type": "text/css; charset=utf-8",
		"Cache-Control": "public, max-age=31536000, immutable",
	});
});
