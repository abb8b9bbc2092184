import { Hono } from "hono";
import type { AppEnv } from "./app-env.ts";

/**
 * The browser's Stripe settings: the publishable key, where the storefront's
 * shopper pays (`hosted` or `elements`, SPEC 16) and where /pay.html loads
 * Stripe.js from. Nothing secret.
 */
export const configRoutes = new Hono<AppEnv>().get("/", (c) => {
	const { config } = c.var;
	return c.json({
		publishableKey: config.publishableKey,
		checkoutUi: config.checkout.ui,
		stripeJsUrl: config.stripeJsUrl,
	});
});
