/**
 * Customer accounts (SPEC 14), through the worker's own fetch: sign-in by
 * e-mail link (tokens hashed, single use, 15 minutes), sessions revocable on
 * the server, the hourly limits, the history, and the signed-in checkout with
 * the customer's Stripe Customer. Each refusal is shown to change nothing.
 */
import { env, exports } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
	accountSessions,
	alerts,
	customers,
	emails,
	orders,
	signInTokens,
	webhookEvents,
} from "../../src/db/schema.ts";
import type { Bindings } from "../../src/env.ts";
import { loadCatalogues } from "../../src/i18n/catalogues.ts";
import { sha256Hex, signed } from "../../src/lib/signed-token.ts";
import {
	ACCOUNT_RECORDS_KEPT_MS,
	purgeAccountRecords,
} from "../../src/services/accounts/sessions.ts";
import {
	nonceOfDedupeKey,
	SIGN_IN_TTL_MS,
	signInToken,
} from "../../src/services/accounts/sign-in.ts";
import { deliverEmail } from "../../src/services/emails/delivery.ts";
import { TEST_SESSION_SECRET, TEST_STRIPE_SECRET_KEY } from "../support/constants.ts";
import {
	askLink,
	newAddress,
	newClientIp,
	post,
	signIn,
	signInEmails,
} from "./helpers/accounts.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { db, depsFor, insertOrder, testDeps } from "./helpers/db.ts";
import { emulator } from "./helpers/emulator.ts";
import { deliver } from "./helpers/webhooks.ts";

beforeAll(() => loadCatalogues(env.ASSETS));
afterEach(() => vi.restoreAllMocks());

const STRIPE = new URL(env.STRIPE_API_BASE).origin;

const getAccount = (cookie?: string) =>
	exports.default.fetch(`${ORIGIN}/api/account`, {
		headers: cookie ? { cookie: `account=${cookie}` } : {},
	});

const counts = async () => {
	const [row] = await db.all<Record<string, number>>(
		sql`select (select count(*) from sign_in_tokens) as tokens, (select count(*) from emails where kind = 'sign_in') as mails,
			(select count(*) from account_sessions where ended_at is null) as sessions, (select count(*) from sign_in_tokens where used_at is not null) as used`,
	);
	return row;
};

describe("accounts off (no SESSION_SECRET)", () => {
	const OFF = { SESSION_SECRET: undefined } as unknown as Partial<Bindings>;

	it("answers 404 on every /api/account route and shows no account link or page", async () => {
		for (const [method, path] of [
			["GET", "/api/account"],
			["POST", "/api/account/sign-in"],
			["POST", "/api/account/session"],
			["POST", "/api/account/sign-out"],
			["POST", "/api/account/payment-methods"],
			["POST", "/api/account/portal"],
		] as const) {
			const res = await fetchWithEnv(
				new Request(`${ORIGIN}${path}`, {
					method,
					headers: { "content-type": "application/json", origin: ORIGIN },
					...(method === "POST" && { body: JSON.stringify({ email: "a@example.com" }) }),
				}),
				OFF,
			);
			expect(res.status, path).toBe(404);
			expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
		}
		const page = await fetchWithEnv(
			new Request(`${ORIGIN}/account.html`, { headers: { accept: "text/html" } }),
			OFF,
		);
		expect(page.status).toBe(404);
		const home = await (await fetchWithEnv(new Request(`${ORIGIN}/`), OFF)).text();
		expect(home).not.toContain('id="account-link"');
		// On: the header links to it.
		const on = await (await exports.default.fetch(`${ORIGIN}/?lang=fr`)).text();
		expect(
			/<a id="account-link"[^>]*href="\/account.html\?lang=fr"[^>]*>([^<]*)</.exec(on)?.[1],
		).toBe("Compte");
	});

	it("refuses a SESSION_SECRET shorter than 32 characters, naming it, and guests still buy", async () => {
		const short = { SESSION_SECRET: "too-short" } as Partial<Bindings>;
		const res = await post("/api/account/sign-in", { email: newAddress() }, {}, short);
		expect(res.status).toBe(500);
		const body = await res.json<{ error: { code: string; message: string } }>();
		expect(body.error.code).toBe("config_invalid");
		expect(body.error.message).toContain("SESSION_SECRET");
		expect(body.error.message).not.toContain("too-short");
		const health = await fetchWithEnv(new Request(`${ORIGIN}/healthz`), short);
		expect(JSON.stringify(await health.json())).toContain("SESSION_SECRET");
	});
});

describe("signing in by e-mail link", () => {
	it("answers 202 {sent: true} alike for a known and an unknown address, and writes one e-mail each, never the token", async () => {
		const known = await signIn();
		const unknown = newAddress();
		for (const address of [known.address, unknown]) {
			const res = await post("/api/account/sign-in", { email: address.toUpperCase() });
			expect(res.status).toBe(202);
			expect(await res.json()).toEqual({ sent: true });
		}
		const [knownRows, unknownRows] = await Promise.all([
			signInEmails(known.address),
			signInEmails(unknown),
		]);
		// The known address: its first link and this one; the unknown one: this one, and no customer yet.
		expect(knownRows).toHaveLength(2);
		expect(unknownRows).toHaveLength(1);
		expect(await db.select().from(customers).where(eq(customers.email, unknown))).toHaveLength(0);
		// The outbox and the link's record hold no token: only a nonce and the token's SHA-256.
		const nonce = nonceOfDedupeKey(unknownRows[0]?.dedupeKey ?? "") ?? "";
		const token = await signInToken(TEST_SESSION_SECRET, nonce);
		const [link] = await db
			.select()
			.from(signInTokens)
			.where(eq(signInTokens.tokenHash, await sha256Hex(token)));
		expect(link).toMatchObject({ email: unknown, origin: ORIGIN, usedAt: null });
		expect((link?.expiresAt ?? 0) - (link?.createdAt ?? 0)).toBe(SIGN_IN_TTL_MS);
		const stored = JSON.stringify(await db.select().from(emails).where(eq(emails.to, unknown)));
		expect(stored).not.toContain(token);
	});

	it("delivers the link in the page's language, to the shop's account page, and never logs it", async () => {
		const address = newAddress();
		const logged = vi.spyOn(console, "log");
		const warned = vi.spyOn(console, "warn");
		const errors = vi.spyOn(console, "error");
		const res = await post("/api/account/sign-in", { email: address, locale: "fr" });
		expect(res.status).toBe(202);
		const [row] = await signInEmails(address);
		expect(row?.locale).toBe("fr");
		const sent: { subject: string; html: string; text: string }[] = [];
		const deps = depsFor({ ...env, EMAIL_PROVIDER: "log" } as Bindings);
		Object.defineProperty(deps, "mailer", {
			value: {
				from: "shop@shop.test",
				send: async (message: { subject: string; html: string; text: string }) => {
					sent.push(message);
					return "msg_1";
				},
			},
		});
		expect(await deliverEmail(deps, row?.id ?? "", 1)).toEqual({ outcome: "sent" });
		const token = await signInToken(
			TEST_SESSION_SECRET,
			nonceOfDedupeKey(row?.dedupeKey ?? "") ?? "",
		);
		const url = `https://shop.test/account.html?token=${token}&lang=fr`;
		expect(sent[0]?.subject).toMatch(/^Votre lien de connexion à /);
		expect(sent[0]?.text).toContain(url);
		expect(sent[0]?.html).toContain(url.replace("&", "&amp;"));
		expect(sent[0]?.html).toContain('<html lang="fr">');
		// Using it: a session. Neither the request, the delivery nor the use logged the token.
		expect((await post("/api/account/session", { token })).status).toBe(200);
		const output = [...logged.mock.calls, ...warned.mock.calls, ...errors.mock.calls]
			.flat()
			.map(String)
			.join("\n");
		expect(output).toContain("sign-in link written");
		expect(output).not.toContain(token);
	});

	it("does not send a link that was used or has expired before its e-mail went", async () => {
		const address = newAddress();
		const token = await askLink(address);
		expect((await post("/api/account/session", { token })).status).toBe(200);
		const [row] = await signInEmails(address);
		const deps = depsFor(env as Bindings);
		const send = vi.fn();
		Object.defineProperty(deps, "mailer", { value: { from: "s@shop.test", send } });
		expect(await deliverEmail(deps, row?.id ?? "", 1)).toEqual({ outcome: "sent" });
		expect(send).not.toHaveBeenCalled();
		const [after] = await db
			.select()
			.from(emails)
			.where(eq(emails.id, row?.id ?? ""));
		expect(after?.lastError).toContain("used or has expired");
	});

	it("opens one session per link: the cookie is HttpOnly, Secure, SameSite=Lax, 30 days; a replay is 400", async () => {
		const address = newAddress();
		const token = await askLink(address);
		const res = await post("/api/account/session", { token });
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ email: address });
		const cookie = res.headers.get("set-cookie") ?? "";
		expect(cookie).toMatch(/^account=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43};/);
		for (const attribute of ["HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=2592000"])
			expect(cookie).toContain(attribute);
		const [customer] = await db.select().from(customers).where(eq(customers.email, address));
		expect(customer).toMatchObject({ email: address, stripeCustomerId: null, locale: "en" });
		// The same link again, and two uses racing: no second session.
		const before = await counts();
		const again = await Promise.all([
			post("/api/account/session", { token }),
			post("/api/account/session", { token }),
		]);
		for (const r of again) {
			expect(r.status).toBe(400);
			expect(await r.json()).toMatchObject({ error: { code: "invalid_token" } });
			expect(r.headers.get("set-cookie")).toBeNull();
		}
		expect(await counts()).toEqual(before);
	});

	it("refuses a forged, an expired and a malformed token, changing nothing", async () => {
		const address = newAddress();
		const token = await askLink(address);
		// Expired: the link's 15 minutes are over.
		await db
			.update(signInTokens)
			.set({ expiresAt: Date.now() - 1 })
			.where(eq(signInTokens.tokenHash, await sha256Hex(token)));
		const forged = await signInToken("another-shops-secret-0123456789-abcdef", "nonce");
		const before = await counts();
		for (const bad of [token, forged, "short", 42, null, `${token}x`]) {
			const res = await post("/api/account/session", { token: bad });
			expect(res.status, String(bad)).toBe(400);
			expect(await res.json()).toMatchObject({ error: { code: "invalid_token" } });
		}
		expect(await counts()).toEqual(before);
		expect(await db.select().from(customers).where(eq(customers.email, address))).toHaveLength(0);
	});

	it("refuses a bad address with 400 invalid_email", async () => {
		for (const email of ["", "not-an-address", "a@b", "a@example.com, b@example.com", 12, null]) {
			const res = await post("/api/account/sign-in", { email });
			expect(res.status, String(email)).toBe(400);
			expect(await res.json()).toMatchObject({ error: { code: "invalid_email" } });
		}
	});
});

describe("what a refused request changes: nothing", () => {
	it("403 forbidden_origin for a foreign or missing Origin: no link, no e-mail, no session used or ended", async () => {
		const { cookie } = await signIn();
		const address = newAddress();
		const token = await askLink(address);
		const before = await counts();
		for (const origin of ["https://evil.example", "null", undefined]) {
			const headers: Record<string, string> = { cookie: `account=${cookie}` };
			if (origin) headers.origin = origin;
			for (const [path, body] of [
				["/api/account/sign-in", { email: newAddress() }],
				["/api/account/session", { token }],
				["/api/account/sign-out", {}],
				["/api/account/payment-methods", {}],
				["/api/account/portal", {}],
			] as const) {
				const res = await exports.default.fetch(`${ORIGIN}${path}`, {
					method: "POST",
					headers: { "content-type": "application/json", ...headers },
					body: JSON.stringify(body),
				});
				expect(res.status, `${path} from ${origin}`).toBe(403);
				expect(await res.json()).toMatchObject({ error: { code: "forbidden_origin" } });
			}
		}
		expect(await counts()).toEqual(before);
		// The session still signs in, and the link still works.
		expect((await getAccount(cookie)).status).toBe(200);
		expect((await post("/api/account/session", { token })).status).toBe(200);
	});
});

describe("sessions", () => {
	it("401 not_signed_in without a cookie, with a tampered one, with one signed by another shop's secret", async () => {
		const { cookie } = await signIn();
		const [id] = cookie.split(".");
		const otherShop = await signed("another-shops-secret-0123456789-abcdef", "session", id ?? "");
		const tampered = `${id}x.${cookie.split(".")[1]}`;
		for (const bad of [undefined, tampered, otherShop, "garbage", `${cookie}.`]) {
			const res = await getAccount(bad);
			expect(res.status, String(bad)).toBe(401);
			expect(await res.json()).toMatchObject({ error: { code: "not_signed_in" } });
		}
		expect((await getAccount(cookie)).status).toBe(200);
	});

	it("signing out ends the session on the server: the old cookie is refused afterwards", async () => {
		const { cookie } = await signIn();
		const res = await post("/api/account/sign-out", {}, { cookie: `account=${cookie}` });
		expect(res.status).toBe(200);
		expect(res.headers.get("set-cookie")).toMatch(/^account=;.*Max-Age=0/);
		// Kept and sent again (a copied cookie, another tab): refused, on every route that needs one.
		expect((await getAccount(cookie)).status).toBe(401);
		for (const path of [
			"/api/account/sign-out",
			"/api/account/payment-methods",
			"/api/account/portal",
		]) {
			const again = await post(path, {}, { cookie: `account=${cookie}` });
			expect(again.status, path).toBe(401);
		}
	});

	it("an expired session is refused", async () => {
		const { cookie } = await signIn();
		const id = cookie.split(".")[0] ?? "";
		await db
			.update(accountSessions)
			.set({ expiresAt: Date.now() - 1 })
			.where(eq(accountSessions.idHash, await sha256Hex(id)));
		expect((await getAccount(cookie)).status).toBe(401);
	});
});

describe("the hourly limits", () => {
	it("sends at most 5 links to one address per hour: the 6th is 429 with Retry-After, writing nothing", async () => {
		const address = newAddress();
		for (let i = 0; i < 5; i++) {
			const res = await post(
				"/api/account/sign-in",
				{ email: address },
				{ "cf-connecting-ip": `198.51.100.${i + 1}` },
			);
			expect(res.status).toBe(202);
		}
		const before = await counts();
		const res = await post(
			"/api/account/sign-in",
			{ email: address },
			{ "cf-connecting-ip": "198.51.100.77" },
		);
		expect(res.status).toBe(429);
		expect(await res.json()).toMatchObject({ error: { code: "rate_limited" } });
		const retry = Number(res.headers.get("retry-after"));
		expect(retry).toBeGreaterThan(3500);
		expect(retry).toBeLessThanOrEqual(3600);
		expect(await counts()).toEqual(before);
		expect(await signInEmails(address)).toHaveLength(5);
	});

	it("sends at most 20 links asked from one client per hour, whatever the addresses", async () => {
		const ip = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}::1`;
		for (let i = 0; i < 20; i++) {
			const res = await post(
				"/api/account/sign-in",
				{ email: newAddress() },
				{ "cf-connecting-ip": ip },
			);
			expect(res.status).toBe(202);
		}
		// Another address in the same /64: the same client.
		const sameNetwork = ip.replace("::1", "::2");
		const address = newAddress();
		const res = await post(
			"/api/account/sign-in",
			{ email: address },
			{ "cf-connecting-ip": sameNetwork },
		);
		expect(res.status).toBe(429);
		expect(await signInEmails(address)).toHaveLength(0);
	});
});

describe("the account page around a link", () => {
	const page = (query: string, cookie?: string) =>
		exports.default
			.fetch(`${ORIGIN}/account.html?${query}`, {
				headers: cookie ? { cookie: `account=${cookie}` } : {},
			})
			.then((res) => res.text());
	const shown = (html: string, id: string) => new RegExp(`id="${id}"(?![^>]*hidden)`).test(html);

	it("offers the button only for a link that still works, and says at once when it does not", async () => {
		const address = newAddress();
		const token = await askLink(address);
		const fresh = await page(`token=${token}&lang=en`);
		expect(shown(fresh, "confirm")).toBe(true);
		expect(fresh).toContain(`name="token" value="${token}"`);
		// Opening the page used nothing.
		expect((await post("/api/account/session", { token })).status).toBe(200);
		const used = await page(`token=${token}&lang=en`);
		expect(shown(used, "confirm")).toBe(false);
		expect(shown(used, "sign-in")).toBe(true);
		expect(/id="account-notice"[^>]*>([^<]*)</.exec(used)?.[1]).toBe(
			"This sign-in link was already used or has expired. Ask for a new one below.",
		);
		// Its language links keep neither a notice nor a used-up state of their own.
		expect(used).toContain(`href="/account.html?token=${token}&amp;lang=fr"`);
	});

	it("lets a link signed in as someone else switch accounts, ending the first session", async () => {
		const first = await signIn();
		const other = newAddress();
		const token = await askLink(other);
		const html = await page(`token=${token}&lang=en`, first.cookie);
		expect(shown(html, "confirm")).toBe(true);
		expect(/id="account-notice"[^>]*>([^<]*)</.exec(html)?.[1]).toBe(
			`You are signed in as ${first.address}. The button signs you in with this link's address instead.`,
		);
		const switched = await post(
			"/api/account/session",
			{ token },
			{ cookie: `account=${first.cookie}` },
		);
		expect(await switched.json()).toEqual({ email: other });
		expect((await getAccount(first.cookie)).status).toBe(401);
	});
});

describe("the history", () => {
	it("lists the customer's orders and their guest orders with the same address, never another shopper's", async () => {
		const { cookie, address } = await signIn();
		const [customer] = await db.select().from(customers).where(eq(customers.email, address));
		const mine = await insertOrder({
			customerId: customer?.id,
			status: "paid",
			createdAt: Date.now() - 3000,
		});
		const guest = await insertOrder({
			customerEmail: address.toUpperCase(),
			checkoutCompleted: true,
			status: "fulfilled",
			createdAt: Date.now() - 5000,
		});
		// Not theirs, and not purchases: another shopper's, an abandoned checkout, a declined typed address.
		await insertOrder({ customerEmail: newAddress(), checkoutCompleted: true, status: "paid" });
		await insertOrder({ customerId: customer?.id, status: "pending" });
		await insertOrder({ customerEmail: address, status: "failed" });
		const res = await getAccount(cookie);
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("no-store");
		const body = await res.json<{
			email: string;
			orders: { id: string; status: string; statusUrl: string | null }[];
			subscriptions: unknown[];
		}>();
		expect(body.email).toBe(address);
		expect(body.orders.map((o) => o.id)).toEqual([mine.id, guest.id]);
		expect(body.orders[0]?.statusUrl).toMatch(/^\/success\.html\?session_id=cs_/);
		expect(body.subscriptions).toEqual([]);
		// The page, without JavaScript: the same two orders, in French.
		const page = await (
			await exports.default.fetch(`${ORIGIN}/account.html?lang=fr`, {
				headers: { cookie: `account=${cookie}` },
			})
		).text();
		expect(page.match(/<li class="account-order">/g)).toHaveLength(2);
		expect(page).toContain("Payée");
		expect(page).toMatch(/<div id="signed-in"(?![^>]*hidden)/);
		expect(page).toMatch(/<section id="sign-in"[^>]*hidden/);
	});
});

/** The emulator's own record of a Checkout Session (through the Stripe API). */
async function stripeSession(id: string): Promise<Stripe.Checkout.Session> {
	const res = await fetch(`${STRIPE}/v1/checkout/sessions/${id}`, {
		headers: { authorization: `Bearer ${TEST_STRIPE_SECRET_KEY}` },
	});
	return res.json();
}

describe("checking out signed in", () => {
	it("gives the session the customer's Stripe Customer (made once) and the save-my-card choice", async () => {
		const { cookie, address } = await signIn();
		const buy = () =>
			post(
				"/create-checkout-session",
				{ items: [{ productId: "espresso-beans", quantity: 1 }] },
				{
					cookie: `account=${cookie}`,
				},
			);
		const first = await buy();
		expect(first.status).toBe(200);
		const answer = await first.json<{ orderId: string; sessionId: string }>();
		const [customer] = await db.select().from(customers).where(eq(customers.email, address));
		expect(customer?.stripeCustomerId).toMatch(/^cus_/);
		const [order] = await db.select().from(orders).where(eq(orders.id, answer.orderId));
		expect(order?.customerId).toBe(customer?.id);
		const session = await stripeSession(answer.sessionId);
		expect(session.customer).toBe(customer?.stripeCustomerId);
		expect(session.saved_payment_method_options?.payment_method_save).toBe("enabled");
		expect(session.customer_details?.email).toBe(address);
		// Again, with another cart: the same Stripe Customer.
		const second = await post(
			"/create-checkout-session",
			{ items: [{ productId: "travel-mug", quantity: 1 }] },
			{ cookie: `account=${cookie}` },
		);
		const again = await stripeSession((await second.json<{ sessionId: string }>()).sessionId);
		expect(again.customer).toBe(customer?.stripeCustomerId);
	});

	it("a guest's checkout (and one with a cookie that signs no one in) has no customer", async () => {
		for (const headers of [{}, { cookie: "account=forged.value" }] as Record<string, string>[]) {
			const res = await post(
				"/create-checkout-session",
				{ items: [{ productId: "espresso-beans", quantity: 1 }] },
				headers,
			);
			expect(res.status).toBe(200);
			const answer = await res.json<{ orderId: string; sessionId: string }>();
			expect((await stripeSession(answer.sessionId)).customer).toBeNull();
			const [order] = await db.select().from(orders).where(eq(orders.id, answer.orderId));
			expect(order?.customerId).toBeNull();
		}
	});
});

describe("cards and the billing portal", () => {
	it("portal is 409 no_billing_account before a Stripe Customer; adding a card makes one and a setup session", async () => {
		const { cookie, address } = await signIn();
		const portal = await post("/api/account/portal", {}, { cookie: `account=${cookie}` });
		expect(portal.status).toBe(409);
		expect(await portal.json()).toMatchObject({ error: { code: "no_billing_account" } });
		// A body naming another customer is ignored: the customer is the signed-in one.
		const add = await post(
			"/api/account/payment-methods",
			{ customer: "cus_someone_else", email: "someone@example.com" },
			{ cookie: `account=${cookie}` },
		);
		expect(add.status).toBe(200);
		const { url } = await add.json<{ url: string }>();
		const sessionId = /cs_[A-Za-z0-9_]+/.exec(url)?.[0] ?? "";
		const session = await stripeSession(sessionId);
		const [customer] = await db.select().from(customers).where(eq(customers.email, address));
		expect(session).toMatchObject({
			mode: "setup",
			customer: customer?.stripeCustomerId,
			currency: "usd",
		});
		// Stripe's page names the shop, as for a payment.
		expect(session.branding_settings?.display_name).toBe("Bean & Leaf");
		expect(session.success_url).toContain("https://shop.test/account.html?card=added");
		const opened = await post(
			"/api/account/portal",
			{ customer: "cus_someone_else" },
			{ cookie: `account=${cookie}` },
		);
		expect(opened.status).toBe(200);
		expect((await opened.json<{ url: string }>()).url).toMatch(/^http/);
	});

	it("form posts from the account page go where the shopper goes next (303), in the page's language", async () => {
		const { cookie } = await signIn();
		const form = (
			path: string,
			fields: Record<string, string>,
			headers: Record<string, string> = {},
		) =>
			exports.default.fetch(`${ORIGIN}${path}?lang=fr`, {
				method: "POST",
				redirect: "manual",
				headers: {
					"content-type": "application/x-www-form-urlencoded",
					accept: "text/html",
					origin: ORIGIN,
					"cf-connecting-ip": newClientIp(),
					...headers,
				},
				body: new URLSearchParams(fields),
			});
		const sent = await form("/api/account/sign-in", { email: newAddress(), locale: "fr" });
		expect(sent.status).toBe(303);
		expect(sent.headers.get("location")).toBe("/account.html?sent=1&lang=fr");
		// The 6th link for one address this hour: the form again, saying how long to wait.
		const limitedAddress = newAddress();
		for (let i = 0; i < 5; i++) await askLink(limitedAddress);
		const limited = await form("/api/account/sign-in", { email: limitedAddress });
		expect(limited.status).toBe(303);
		expect(limited.headers.get("location")).toBe("/account.html?limited=60&lang=fr");
		expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(3500);
		const bad = await form("/api/account/session", { token: "x".repeat(40) });
		expect(bad.headers.get("location")).toBe("/account.html?link=invalid&lang=fr");
		const setup = await form("/api/account/payment-methods", {}, { cookie: `account=${cookie}` });
		expect(setup.status).toBe(303);
		expect(setup.headers.get("location")).toMatch(new RegExp(`^${STRIPE}/`));
		const out = await form("/api/account/sign-out", {}, { cookie: `account=${cookie}` });
		expect(out.headers.get("location")).toBe("/account.html?signed=out&lang=fr");
		const refused = await form("/api/account/portal", {}, { cookie: `account=${cookie}` });
		expect(refused.status).toBe(401);
		expect(refused.headers.get("content-type")).toContain("text/html");
	});
});

describe("the Cron's clean-up", () => {
	it("drops links and sessions a day after they stopped working, and keeps the rest", async () => {
		const { cookie } = await signIn();
		const liveSession = await sha256Hex(cookie.split(".")[0] ?? "");
		const old = Date.now() - ACCOUNT_RECORDS_KEPT_MS - 1000;
		const stale = `stale-${crypto.randomUUID()}`;
		await db.insert(signInTokens).values({
			tokenHash: stale,
			email: newAddress(),
			locale: "en",
			clientKey: "k",
			origin: ORIGIN,
			createdAt: old - SIGN_IN_TTL_MS,
			expiresAt: old,
		});
		const [customer] = await db.select().from(customers).limit(1);
		const ended = `ended-${crypto.randomUUID()}`;
		await db.insert(accountSessions).values({
			idHash: ended,
			customerId: customer?.id ?? "",
			createdAt: old - 1000,
			expiresAt: Date.now() + 1000,
			endedAt: old,
		});
		const purged = await purgeAccountRecords(testDeps());
		expect(purged).toBeGreaterThanOrEqual(2);
		expect(await db.select().from(signInTokens).where(eq(signInTokens.tokenHash, stale))).toEqual(
			[],
		);
		expect(
			await db.select().from(accountSessions).where(eq(accountSessions.idHash, ended)),
		).toEqual([]);
		expect(
			await db.select().from(accountSessions).where(eq(accountSessions.idHash, liveSession)),
		).toHaveLength(1);
		expect((await getAccount(cookie)).status).toBe(200);
	});
});

describe("Stripe's events about cards and customers", () => {
	it("are answered 200 and ignored: a card set up, saved, made default, the portal opened; no order, no alert", async () => {
		const { cookie, address } = await signIn();
		const add = await post("/api/account/payment-methods", {}, { cookie: `account=${cookie}` });
		const sessionId = /cs_[A-Za-z0-9_]+/.exec((await add.json<{ url: string }>()).url)?.[0] ?? "";
		await emulator.pay(sessionId);
		const [customer] = await db.select().from(customers).where(eq(customers.email, address));
		const stripeCustomer = customer?.stripeCustomerId ?? "";
		expect((await post("/api/account/portal", {}, { cookie: `account=${cookie}` })).status).toBe(
			200,
		);
		// Every event about this customer: its session, card, set-up, default card, portal.
		const made = (await emulator.events()).filter((e) =>
			JSON.stringify(e.data.object).includes(stripeCustomer),
		);
		const types = new Set(made.map((e) => e.type));
		for (const type of [
			"checkout.session.completed",
			"payment_method.attached",
			"setup_intent.succeeded",
		])
			expect(types, type).toContain(type);
		const alertsBefore = (await db.select().from(alerts)).length;
		for (const event of made) {
			const res = await deliver(event);
			expect(res.status, event.type).toBe(200);
			const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
			expect(row?.result, event.type).toBe("ignored");
		}
		expect((await db.select().from(alerts)).length).toBe(alertsBefore);
		// The card is the customer's at Stripe.
		const [atStripe] = await emulator.customers(address);
		expect(atStripe?.customer.id).toBe(stripeCustomer);
		expect(atStripe?.paymentMethods.map((pm) => pm.card?.last4)).toEqual(["4242"]);
	});
});
