import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { isLocale, type Locale } from "../i18n/catalogues.ts";
import { negotiateLocale } from "../i18n/negotiate.ts";
import type { AppEnv } from "../routes/app-env.ts";

const COOKIE = "lang";

/**
 * The language of this request: `explicit` (a checkout's `locale`), `?lang=`,
 * the `lang` cookie, `Accept-Language`, `DEFAULT_LOCALE`. A malformed
 * `DEFAULT_LOCALE` is logged and English is used: a page must still answer.
 */
export function requestLocale<E extends AppEnv>(c: Context<E>, explicit?: string | null): Locale {
	let fallback: Locale = "en";
	try {
		fallback = c.var.config.defaultLocale;
	} catch (err) {
		c.var.log.warn("DEFAULT_LOCALE ignored", { error: (err as Error).message });
	}
	return negotiateLocale({
		query: explicit ?? c.req.query("lang"),
		cookie: getCookie(c, COOKIE),
		acceptLanguage: c.req.header("Accept-Language"),
		fallback,
	});
}

/** A `?lang=` choice is remembered for the next pages (a year, this site only). */
export function rememberLocaleChoice(c: Context<AppEnv>): void {
	const chosen = c.req.query("lang")?.trim().toLowerCase();
	if (!isLocale(chosen) || getCookie(c, COOKIE) === chosen) return;
	setCookie(c, COOKIE, chosen, {
		path: "/",
		maxAge: 365 * 24 * 3600,
		sameSite: "Lax",
		secure: new URL(c.req.url).protocol === "https:",
	});
}
