import { Hono } from "hono";
import type { AppEnv } from "./app-env.ts";
import { isLocalHost } from "./public-origin.ts";

/**
 * `GET /healthz`: 200 `{"ok": true}` when D1 answers and every setting the
 * shop needs to sell is valid; otherwise 503 `{"ok": false, "problems":
 * [names]}`, setting names only, never values (SPEC 5), so a deploy that
 * cannot sell is not reported healthy. APP_URL may be unset only for a shop
 * run on this machine.
 */
export const healthRoutes = new Hono<AppEnv>().get("/healthz", async (c) => {
	const local = isLocalHost(new URL(c.req.url).hostname);
	const problems = c.var.config.problems(local).map((p) => p.variable);
	try {
		await c.env.DB.prepare("select 1").first();
	} catch (err) {
		c.var.log.error("healthz: D1 did not answer", { error: String(err) });
		problems.unshift("DB");
	}
	if (problems.length === 0) return c.json({ ok: true });
	c.var.log.warn("healthz: the shop cannot sell", { problems });
	return c.json({ ok: false, problems }, 503);
});
