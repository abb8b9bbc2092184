import type { Context } from "hono";
import { AppError } from "../lib/errors.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * Our public origin, for success/cancel URLs and the form posts' same-origin
 * check: `APP_URL`. Only in local development (a request to localhost) may it
 * be left unset and the request's origin be used: elsewhere the Host header
 * would decide where Stripe sends the shopper back to.
 */
export function publicOrigin<E extends AppEnv>(c: Context<E>): string {
	const configured = c.var.config.app.appUrl;
	if (configured) return configured.origin;
	const url = new URL(c.req.url);
	if (isLocalHost(url.hostname)) return url.origin;
	throw new AppError(
		"config_invalid",
		"Server misconfigured: APP_URL is not set (required outside local development).",
	);
}

/** A host of this machine: where APP_URL may be left unset (local development). */
export function isLocalHost(hostname: string): boolean {
	return (
		hostname === "localhost" ||
		hostname.endsWith(".localhost") ||
		hostname === "[::1]" ||
		/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
	);
}
