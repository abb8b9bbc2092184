import { Hono } from "hono";
import type { AppEnv } from "./app-env.ts";

/** The browser's Stripe settings: the publishable key only (hosted Checkout needs none). */
export const configRoutes = new Hono<AppEnv>().get("/", (c) =>
	c.json({ publishableKey: c.var.config.publishableKey }),
);
