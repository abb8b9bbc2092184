import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { ConfigError } from "../config.ts";
import { describeError } from "../lib/log.ts";
import { type CustomerRow, SESSION_COOKIE, signedIn } from "../services/accounts/sessions.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * The signed-in customer of a request that works for guests too (a checkout,
 * a page): null without the session cookie (no D1 read then), with accounts
 * off, or when the cookie does not sign anyone in. One D1 read otherwise.
 */
export async function customerOrGuest<E extends AppEnv>(
	c: Context<E>,
): Promise<CustomerRow | null> {
	const cookie = getCookie(c, SESSION_COOKIE);
	if (!cookie) return null;
	let secret: string | undefined;
	try {
		secret = c.var.config.accounts?.secret;
	} catch (err) {
		// A malformed SESSION_SECRET (named by /healthz) must not stop a guest from buying.
		if (!(err instanceof ConfigError)) throw err;
		c.var.log.error("accounts are misconfigured: checking out as a guest", describeError(err));
	}
	if (!secret) return null;
	return (await signedIn(c.var.deps, secret, cookie))?.customer ?? null;
}

/** Whether the shop has accounts (SESSION_SECRET set, even if malformed: its routes then say so). */
export function accountsOn<E extends AppEnv>(c: Context<E>): boolean {
	try {
		return c.var.config.accounts !== null;
	} catch (err) {
		if (err instanceof ConfigError) return true;
		throw err;
	}
}
