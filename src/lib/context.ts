import type { Context } from "hono";
import { appConfig, stripeConfig } from "../config.ts";
import { createDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { createNotifier } from "../services/alerts.ts";
import type { Deps, StripeDeps } from "../services/deps.ts";
import { AppError } from "./errors.ts";
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

/**
 * Our public origin, for success/cancel URLs and the form posts' same-origin
 * check: `APP_URL`. Only in local development (a request to localhost) may it
 * be left unset and the request's origin be used: elsewhere the Host header
 * would decide where Stripe sends the shopper back to.
 */
export function publicOrigin(c: Context<AppEnv>): string {
	const configured = appConfig(c.env).appUrl;
	if (configured) return configured.origin;
	const url = new URL(c.req.url);
	if (isLocalHost(url.hostname)) return url.origin;
	throw new AppError(
		500,
		"config_invalid",
		"Server misconfigured: APP_URL is not set (required outside local development).",
	);
}

function isLocalHost(hostname: string): boolean {
	return (
		hostname === "localhost" ||
		hostname.endsWith(".localhost") ||
		hostname === "[::1]" ||
		/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
	);
}
