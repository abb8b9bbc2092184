import type { Context } from "hono";
import { appConfig, stripeConfig } from "../config.ts";
import { createDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { createNotifier } from "../services/alerts.ts";
import type { Deps, StripeDeps } from "../services/deps.ts";
import { createStripe } from "./stripe.ts";

/** Service dependencies for one request. */
export function deps(c: Context<AppEnv>): Deps {
	const log = c.var.log;
	return {
		db: createDb(c.env.DB),
		log,
		now: Date.now,
		notify: createNotifier({
			url: c.env.ALERT_WEBHOOK_URL,
			log,
			waitUntil: (p) => c.executionCtx.waitUntil(p),
		}),
	};
}

/** A Stripe client for this request; throws a 500 `config_invalid` naming the variable when the key is wrong. */
export function stripeClient(c: Context<AppEnv>) {
	return createStripe(stripeConfig(c.env));
}

/** Deps with a Stripe client (see `stripeClient`). */
export function stripeDeps(c: Context<AppEnv>): StripeDeps {
	return { ...deps(c), stripe: stripeClient(c) };
}

/** Our public origin: `APP_URL` when set, else the request's. */
export function publicOrigin(c: Context<AppEnv>): string {
	return appConfig(c.env).appUrl?.origin ?? new URL(c.req.url).origin;
}
