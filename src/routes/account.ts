import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import * as v from "valibot";
import type { AccountsConfig } from "../config.ts";
import { isLocale } from "../i18n/catalogues.ts";
import { clientFingerprint } from "../lib/client-key.ts";
import { isSingleAddress } from "../lib/email-address.ts";
import { AppError } from "../lib/errors.ts";
import { requestLocale } from "../pages/locale.ts";
import { accountView, cardSetupUrl, portalUrl } from "../services/accounts/account.ts";
import {
	endSession,
	notSignedIn,
	SESSION_COOKIE,
	signedIn,
} from "../services/accounts/sessions.ts";
import {
	invalidToken,
	requestSignIn,
	SESSION_TTL_MS,
	startSession,
} from "../services/accounts/sign-in.ts";
import { shopCurrency } from "../services/catalog/catalog.ts";
import { shopIdentity } from "../services/shop/identity.ts";
import type { AppEnv } from "./app-env.ts";
import { publicOrigin } from "./public-origin.ts";
import { bodyKind, limitBody } from "./request-guards.ts";

/**
 * Customer accounts (SPEC 14): `/api/account/*`, 404 unless SESSION_SECRET is
 * set. Each route takes JSON or a form post from the account page (which then
 * gets a 303 to where it goes next, so the page needs no JavaScript). Every
 * state-changing request must carry our own `Origin` (a missing one is
 * foreign): 403 `forbidden_origin`, checked before anything is read or written.
 */
type AccountEnv = AppEnv;

const MAX_BODY_BYTES = 2 * 1024;

const emailSchema = v.pipe(
	v.string(),
	v.trim(),
	v.maxLength(254),
	v.check(isSingleAddress),
	v.check((s) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s)),
);
const tokenSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{20,100}$/));

/** SESSION_SECRET's settings; off without it: every route is an unknown one. */
function accountsOf(c: Context<AccountEnv>): AccountsConfig {
	const accounts = c.var.config.accounts;
	if (!accounts) throw new AppError("not_found", "No such route.");
	return accounts;
}

const accountsOn: MiddlewareHandler<AccountEnv> = async (c, next) => {
	accountsOf(c);
	c.header("Cache-Control", "no-store");
	await next();
};

/**
 * A state-changing request from our own pages only: its Origin must be ours
 * (no Referer fallback), checked before its body is read; and a small body.
 */
const postGuards: MiddlewareHandler<AccountEnv> = async (c, next) => {
	if (c.req.method !== "POST") return next();
	if (c.req.header("Origin") !== publicOrigin(c))
		throw new AppError(
			"forbidden_origin",
			"Account requests are accepted from this shop's pages only.",
		);
	return limitBody(MAX_BODY_BYTES)(c, next);
};

/** The signed-in customer of the request's cookie, or 401 `not_signed_in`. */
async function customerOf(c: Context<AccountEnv>) {
	const found = await signedIn(c.var.deps, accountsOf(c).secret, getCookie(c, SESSION_COOKIE));
	if (!found) throw notSignedIn();
	return found;
}

/** The body's fields, from JSON or a form (415 otherwise). */
async function fields(c: Context<AccountEnv>): Promise<Record<string, unknown>> {
	if (bodyKind(c) === "form") return c.req.parseBody();
	try {
		const body = await c.req.json();
		return body && typeof body === "object" ? body : {};
	} catch {
		throw new AppError("invalid_json", "The body is not valid JSON.");
	}
}

const isForm = (c: Context<AccountEnv>) => bodyKind(c) === "form";

/** Where a form post goes next: the account page, in the page's language. */
function accountPage(c: Context<AccountEnv>, params: Record<string, string> = {}) {
	const query = new URLSearchParams({ ...params, lang: requestLocale(c) });
	return c.redirect(`/account.html?${query}`, 303);
}

export const accountRoutes = new Hono<AccountEnv>()
	.use(accountsOn, postGuards)
	.get("/", async (c) => {
		const { customer } = await customerOf(c);
		return c.json(await accountView(c.var.deps, customer, requestLocale(c)));
	})
	.post("/sign-in", async (c) => {
		const body = await fields(c);
		const email = v.safeParse(emailSchema, body.email);
		if (!email.success) throw new AppError("invalid_email", "Give one e-mail address.");
		const locale = requestLocale(c, isLocale(body.locale) ? body.locale : null);
		try {
			await requestSignIn(c.var.deps, accountsOf(c).secret, {
				email: email.output,
				locale,
				clientKey: await clientFingerprint(c.req.header("CF-Connecting-IP")),
				origin: publicOrigin(c),
			});
		} catch (err) {
			// A browser is shown the sign-in form again, saying how long to wait.
			if (isForm(c) && err instanceof AppError && err.code === "rate_limited") {
				const minutes = Math.ceil((err.retryAfterSeconds ?? 60) / 60);
				const page = accountPage(c, { limited: String(minutes) });
				page.headers.set("Retry-After", String(err.retryAfterSeconds ?? 60));
				return page;
			}
			throw err;
		}
		// The same answer for every address: whether it has an account is never said.
		return isForm(c) ? accountPage(c, { sent: "1" }) : c.json({ sent: true }, 202);
	})
	.post("/session", async (c) => {
		const body = await fields(c);
		const token = v.safeParse(tokenSchema, body.token);
		let session: Awaited<ReturnType<typeof startSession>>;
		try {
			if (!token.success) throw invalidToken();
			session = await startSession(c.var.deps, accountsOf(c).secret, token.output);
			// Signed in already (another account, or the same one): that session ends here.
			const current = await signedIn(
				c.var.deps,
				accountsOf(c).secret,
				getCookie(c, SESSION_COOKIE),
			);
			if (current) await endSession(c.var.deps, current.sessionHash);
		} catch (err) {
			// A browser is shown the sign-in form again, saying why.
			if (isForm(c) && err instanceof AppError && err.code === "invalid_token")
				return accountPage(c, { link: "invalid" });
			throw err;
		}
		setCookie(c, SESSION_COOKIE, session.cookie, {
			httpOnly: true,
			secure: true,
			sameSite: "Lax",
			path: "/",
			maxAge: SESSION_TTL_MS / 1000,
		});
		return isForm(c) ? accountPage(c) : c.json({ email: session.email });
	})
	.post("/sign-out", async (c) => {
		const { sessionHash } = await customerOf(c);
		await endSession(c.var.deps, sessionHash);
		deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
		return isForm(c) ? accountPage(c, { signed: "out" }) : c.json({ signedOut: true });
	})
	.post("/payment-methods", async (c) => {
		const { customer } = await customerOf(c);
		const url = await cardSetupUrl(c.var.deps, customer, {
			origin: publicOrigin(c),
			locale: requestLocale(c),
			currency: await shopCurrency(c.var.deps.db),
			// Read once per isolate and kept.
			shop: await shopIdentity(c.var.deps.db, c.var.config.shopDefaults, c.var.deps.now()),
		});
		return isForm(c) ? c.redirect(url, 303) : c.json({ url });
	})
	.post("/portal", async (c) => {
		const { customer } = await customerOf(c);
		const url = await portalUrl(c.var.deps, customer, {
			origin: publicOrigin(c),
			locale: requestLocale(c),
		});
		return isForm(c) ? c.redirect(url, 303) : c.json({ url });
	});
