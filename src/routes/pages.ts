import { Hono } from "hono";
import type { AppEnv } from "../env";

/**
 * Our HTML pages are served through the worker (wrangler.toml
 * `run_worker_first`) so their Content-Security-Policy can name the Stripe
 * emulator in local mode; scripts, styles and images stay plain static assets.
 */
const PAGES: Record<string, string> = {
	"/": "/index.html",
	"/index.html": "/index.html",
	"/success.html": "/success.html",
	"/cancel.html": "/cancel.html",
	"/admin.html": "/admin.html",
};

export const pageRoutes = new Hono<AppEnv>().get("*", async (c, next) => {
	const asset = PAGES[c.req.path];
	if (!asset) return next();
	const url = new URL(asset, c.req.url);
	const res = await c.env.ASSETS.fetch(new Request(url, { headers: c.req.raw.headers }));
	return new Response(res.body, res);
});
