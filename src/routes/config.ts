import { Hono } from "hono";
import type { AppEnv } from "../env.ts";

/** The browser's Stripe settings: the publishable key only (hosted Checkout needs none). */
export const configRoutes = new Hono<AppEnv>().get("/", (c) => {
	const key = c.env.STRIPE_PUBLISHABLE_KEY?.trim();
	return c.json({ publishableKey: key && /^pk_(test|live)_/.test(key) ? key : null });
});
