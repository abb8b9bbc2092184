import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { MessageKey } from "../../src/i18n/catalogues.ts";
import { negotiateLocale } from "../../src/i18n/negotiate.ts";
import { CATALOGUES } from "../support/catalogues.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { type CheckoutAnswer, ORIGIN } from "./helpers/checkout.ts";
import { getOrder } from "./helpers/db.ts";
import { emulator } from "./helpers/emulator.ts";

const page = (path: string, headers: Record<string, string> = {}) =>
	exports.default.fetch(`${ORIGIN}${path}`, { headers });

const langOf = (html: string) => /<html[^>]*\blang="([^"]*)"/.exec(html)?.[1];

describe("the catalogues, read from the static assets", () => {
	it("are read once an entry point asks, and a failed read is tried again", async () => {
		vi.resetModules();
		const fresh = await import("../../src/i18n/catalogues.ts");
		expect(() => fresh.translate("fr", "cart.pay")).toThrow(/not loaded/);
		let reads = 0;
		const failing = {
			fetch: async () => {
				reads++;
				return new Response("", { status: 503 });
			},
		};
		await expect(fresh.loadCatalogues(failing)).rejects.toThrow(/answered 503/);
		expect(reads).toBe(2);
		await fresh.loadCatalogues(env.ASSETS);
		expect(fresh.translate("fr", "cart.pay")).toBe(CATALOGUES.fr["cart.pay"]);
		// Loaded: no further read.
		await fresh.loadCatalogues(failing);
		expect(reads).toBe(2);
	});
});

describe("language negotiation", () => {
	const fallback = "en" as const;

	it("takes ?lang= first, then the cookie, then Accept-Language, then DEFAULT_LOCALE", () => {
		expect(negotiateLocale({ query: "fr", cookie: "en", acceptLanguage: "en", fallback })).toBe(
			"fr",
		);
		expect(negotiateLocale({ query: null, cookie: "fr", acceptLanguage: "en", fallback })).toBe(
			"fr",
		);
		expect(
			negotiateLocale({ query: "de", cookie: "xx", acceptLanguage: "fr-CA,en;q=0.5", fallback }),
		).toBe("fr");
		expect(negotiateLocale({ acceptLanguage: "ja-JP,ja;q=0.9", fallback: "fr" })).toBe("fr");
		expect(negotiateLocale({ fallback })).toBe("en");
	});

	it("reads Accept-Language by quality, not by position, and skips q=0", () => {
		expect(negotiateLocale({ acceptLanguage: "en;q=0.4, fr;q=0.8", fallback })).toBe("fr");
		expect(negotiateLocale({ acceptLanguage: "fr;q=0, en", fallback: "fr" })).toBe("en");
		expect(negotiateLocale({ acceptLanguage: "ja, de-DE;q=0.9, FR;q=0.1", fallback })).toBe("fr");
	});

	it("has the same keys in every catalogue, each with the same placeholders", () => {
		const keys = Object.keys(CATALOGUES.en).sort();
		const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
		for (const catalogue of Object.values(CATALOGUES)) {
			expect(Object.keys(catalogue).sort()).toEqual(keys);
			for (const key of keys as MessageKey[])
				expect([key, placeholders(catalogue[key])]).toEqual([
					key,
					placeholders(CATALOGUES.en[key]),
				]);
		}
	});
});

describe("shopper pages in the negotiated language", () => {
	for (const path of ["/", "/success.html", "/cancel.html"]) {
		it(`answers ${path} in French for a French browser, in place, with lang="fr"`, async () => {
			const res = await page(path, { "accept-language": "fr-FR,fr;q=0.9,en;q=0.5" });
			expect(res.status).toBe(200);
			const html = await res.text();
			expect(langOf(html)).toBe("fr");
			expect(html).toContain(
				`<a class="skip-link" href="#main">${CATALOGUES.fr["layout.skip"]}</a>`,
			);
			expect(html).not.toContain(CATALOGUES.en["layout.skip"]);
			expect(res.headers.get("vary")).toContain("Accept-Language");
			// The scripts get the same catalogue, as data that never runs.
			const block = /<script type="application\/json" id="messages">([\s\S]*?)<\/script>/.exec(
				html,
			)?.[1];
			expect(JSON.parse(block ?? "{}")["cart.pay"]).toBe("Payer");
		});
	}

	it("answers ?lang=fr with 200 (no redirect) and remembers the choice in the lang cookie", async () => {
		const res = await page("/?lang=fr", { "accept-language": "en" });
		expect(res.status).toBe(200);
		expect(langOf(await res.text())).toBe("fr");
		const cookie = res.headers.get("set-cookie") ?? "";
		expect(cookie).toMatch(/^lang=fr;/);
		expect(cookie).toContain("Path=/");
		const next = await page("/cancel.html", { "accept-language": "en", cookie: "lang=fr" });
		expect(langOf(await next.text())).toBe("fr");
	});

	it("links every language from the switch, keeping the page's own query", async () => {
		const html = await (await page("/success.html?session_id=cs_test_x")).text();
		expect(html).toContain(
			'href="/success.html?session_id=cs_test_x&amp;lang=fr" hreflang="fr" lang="fr">Français</a>',
		);
		expect(html).toMatch(/hreflang="en" lang="en" aria-current="true">English<\/a>/);
	});

	it("links the switch to this site only, even from a path that looks like another host", async () => {
		const res = await page("//evil.example/", { accept: "text/html" });
		const html = await res.text();
		const hrefs = [...html.matchAll(/hreflang="\w+"/g)].length;
		expect(hrefs).toBe(2);
		expect(html).not.toContain('href="//evil.example');
	});

	it("falls back to DEFAULT_LOCALE for a browser in a language we do not have", async () => {
		const res = await fetchWithEnv(
			new Request(`${ORIGIN}/`, { headers: { "accept-language": "ja-JP" } }),
			{ DEFAULT_LOCALE: "fr" },
		);
		expect(langOf(await res.text())).toBe("fr");
		const english = await page("/", { "accept-language": "ja-JP" });
		expect(langOf(await english.text())).toBe("en");
	});

	it("answers a missing page with the 404 page in the shopper's language, an API path with JSON", async () => {
		const missing = await page("/no-such-page.html", {
			accept: "text/html",
			"accept-language": "fr",
		});
		expect(missing.status).toBe(404);
		const html = await missing.text();
		expect(langOf(html)).toBe("fr");
		expect(html).toContain(CATALOGUES.fr["notFound.heading"]);
		const api = await page("/api/nothing", { accept: "application/json" });
		expect(api.status).toBe(404);
		expect(await api.json()).toMatchObject({ error: { code: "not_found" } });
	});
});

describe("the shopper's language at checkout", () => {
	async function sessionLocale(sessionId: string) {
		const posts = await emulator.requests("/v1/checkout/sessions");
		const mine = posts.filter((r) => r.method === "POST" && r.status === 200);
		const session = await emulator.session(sessionId);
		const post = mine.find((r) => r.params.client_reference_id === session.client_reference_id);
		return post?.params.locale;
	}

	it("sends the request's locale to Stripe and keeps it on the order", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json", "accept-language": "en" },
			body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 1 }], locale: "fr" }),
		});
		expect(res.status).toBe(200);
		const { orderId, sessionId } = await res.json<CheckoutAnswer>();
		expect(await sessionLocale(sessionId)).toBe("fr");
		expect((await getOrder(orderId)).locale).toBe("fr");
	});

	it("negotiates it from the request when the body has none", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json", "accept-language": "fr-BE,fr;q=0.9" },
			body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 1 }] }),
		});
		const { orderId, sessionId } = await res.json<CheckoutAnswer>();
		expect(await sessionLocale(sessionId)).toBe("fr");
		expect((await getOrder(orderId)).locale).toBe("fr");
	});

	it("refuses a locale we do not speak with 400 invalid_cart", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 1 }], locale: "ja" }),
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_cart" } });
	});

	it("counts the locale in what an Idempotency-Key compares", async () => {
		const send = (locale: string) =>
			exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				headers: {
					"content-type": "application/json",
					"idempotency-key": `lang-${crypto.randomUUID()}`,
				},
				body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 1 }], locale }),
			});
		const key = `lang-${crypto.randomUUID()}`;
		const withKey = (locale: string) =>
			exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/json", "idempotency-key": key },
				body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 1 }], locale }),
			});
		expect((await send("en")).status).toBe(200);
		expect((await withKey("en")).status).toBe(200);
		const other = await withKey("fr");
		expect(other.status).toBe(422);
		expect(await other.json()).toMatchObject({ error: { code: "idempotency_key_reused" } });
	});
});

describe("a refused form post", () => {
	const form = (fields: Record<string, string>, headers: Record<string, string>) =>
		exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: {
				"content-type": "application/x-www-form-urlencoded",
				origin: ORIGIN,
				...headers,
			},
			body: new URLSearchParams(fields).toString(),
			redirect: "manual",
		});

	it("answers a browser with the shop's page in its language, the same status, and a way back", async () => {
		const res = await form(
			{ productId: "retired-grinder", quantity: "1" },
			{ accept: "text/html,application/xhtml+xml", "accept-language": "fr" },
		);
		expect(res.status).toBe(400);
		expect(res.headers.get("content-type")).toContain("text/html");
		const html = await res.text();
		expect(langOf(html)).toBe("fr");
		expect(html).toContain(CATALOGUES.fr["errorPage.heading"]);
		expect(html).toContain("Un élément de ce panier ne peut pas être acheté tel quel");
		expect(html).toContain('<a class="btn btn-primary" href="/"');
	});

	it("answers a foreign origin's post with the 403 page, and a JSON client with JSON", async () => {
		const foreign = await form(
			{ productId: "espresso-beans" },
			{ accept: "text/html", origin: "https://evil.example" },
		);
		expect(foreign.status).toBe(403);
		expect(await foreign.text()).toContain("This form must be sent from the shop");
		const json = await form({ productId: "retired-grinder" }, { accept: "application/json" });
		expect(json.status).toBe(400);
		expect(await json.json()).toMatchObject({ error: { code: "invalid_cart" } });
	});

	it("resumes an order from the cancel page's form: its own items, the same session", async () => {
		const first = await exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 2 }] }),
		});
		const answer = await first.json<CheckoutAnswer>();
		const resumed = await form(
			{ orderId: answer.orderId, resumeToken: answer.resumeToken, locale: "fr" },
			{ accept: "text/html" },
		);
		expect(resumed.status, await resumed.clone().text()).toBe(303);
		expect(resumed.headers.get("location")).toBe(answer.url);
		const wrong = await form(
			{ orderId: answer.orderId, resumeToken: "not-the-token" },
			{ accept: "text/html" },
		);
		expect(wrong.status).toBe(400);
		expect(wrong.headers.get("content-type")).toContain("text/html");
	});
});
