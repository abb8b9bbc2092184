import { Hono } from "hono";
import type { AppEnv } from "../env.ts";

export const healthRoutes = new Hono<AppEnv>().get("/healthz", async (c) => {
	try {
		await c.env.DB.prepare("select 1").first();
		return c.json({ ok: true });
	} catch (err) {
		c.var.log.error("healthz: D1 did not answer", { error: String(err) });
		return c.json(
			{ ok: false, error: { code: "db_unavailable", message: "The database did not answer." } },
			503,
		);
	}
});
