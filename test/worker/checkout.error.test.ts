import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { products } from "../../src/db/schema.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN, postCheckout, postForm } from "./helpers/checkout.ts";
import { db, tableCounts } from "./helpers/db.ts";

const line = (productId: string, quantity: unknown) => ({ productId, quantity });

/** An (empty-cart) checkout from one client address, with the rate limit on. */
const checkoutFrom = (ip: string) =>
	fetchWithEnv(
		new Request(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json", "cf-connecting-ip": ip },
			body: JSON.stringify({ items: [] }),
		}),
		{ CHECKOUT_RATE_LIMIT: "on" },
	);

/** Every bad input: its status, its code, and no row written anywhere (counted before it is sent). */
async function expectRejected(send: () => Promise<Response>, status: number, code: string) {
	const before = await tableCounts();
	const answer = await send();
	expect(answer.status).toBe(status);
	const body = await answer.json<{ error: { code: string; message: string } }>();
	expect(body.error.code).toBe(code);
	expect(body.error.message.length).toBeGreaterThan(0);
	expect(await tableCounts()).toEqual(before);
	return body;
}

describe("POST /create-checkout-session rejects bad carts with 400 invalid_cart", () => {
	const cases: [string, unknown][] = [
		["an empty cart", { items: [] }],
		["no items at all", {}],
		["items that are not a list", { items: "espresso-beans" }],
		["an unknown product", { items: [line("no-such-thing", 1)] }],
		["an inactive product", { items: [line("retired-grinder", 1)] }],
		["quantity 0", { items: [line("travel-mug", 0)] }],
		["quantity 100", { items: [line("travel-mug", 100)] }],
		["quantity 1.5", { items: [line("travel-mug", 1.5)] }],
		['quantity "2"', { items: [line("travel-mug", "2")] }],
		["a negative quantity", { items: [line("travel-mug", -1)] }],
		["more than 20 lines", { items: Array.from({ length: 21 }, () => line("travel-mug", 1)) }],
		["mixed currencies", { items: [line("travel-mug", 1), line("matcha-tin", 1)] }],
		[
			"two lines of one product adding up to over 99",
			{ items: [line("travel-mug", 60), line("travel-mug", 60)] },
		],
	];
	for (const [name, body] of cases) {
		it(`rejects ${name}`, async () => {
			await expectRejected(() => postCheckout(body), 400, "invalid_cart");
		});
	}

	it("rejects a total over MAX_ORDER_AMOUNT, naming the limit in money", async () => {
		const req = new Request(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ items: [line("espresso-beans", 5)] }),
		});
		const body = await expectRejected(
			() => fetchWithEnv(req, { MAX_ORDER_AMOUNT: "10000" }),
			400,
			"invalid_cart",
		);
		expect(body.error.message).toContain("$100.00");
	});

	it("applies the default maximum of 1,000,000 minor units when MAX_ORDER_AMOUNT is unset", async () => {
		// No seeded cart reaches the default: this test brings its own product.
		const id = `big-ticket-${crypto.randomUUID().slice(0, 8)}`;
		await db.insert(products).values({
			id,
			name: "Espresso machine",
			description: "Dual boiler.",
			unitAmount: 400_000,
			currency: "usd",
		});
		const cart = (quantity: number) =>
			new Request(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ items: [line(id, quantity)] }),
			});
		const body = await expectRejected(
			() => fetchWithEnv(cart(3), { MAX_ORDER_AMOUNT: undefined }),
			400,
			"invalid_cart",
		);
		expect(body.error.message).toContain("$10,000.00");
		expect((await fetchWithEnv(cart(2), { MAX_ORDER_AMOUNT: undefined })).status).toBe(200);
	});
});

describe("POST /create-checkout-session rejects malformed requests", () => {
	it("answers 400 invalid_json to a body that is not JSON", async () => {
		await expectRejected(() => postCheckout("{not json"), 400, "invalid_json");
	});

	it("answers 415 to another content type", async () => {
		const res = () =>
			exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "text/plain" },
				body: JSON.stringify({ items: [line("travel-mug", 1)] }),
			});
		await expectRejected(res, 415, "unsupported_media_type");
	});

	it("answers 415 to a multipart form", async () => {
		const form = new FormData();
		form.set("productId", "travel-mug");
		const res = () =>
			exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				body: form,
				headers: { origin: ORIGIN },
			});
		await expectRejected(res, 415, "unsupported_media_type");
	});

	it("answers 413 to a body over the limit", async () => {
		await expectRejected(
			() => postCheckout({ items: [line("travel-mug", 1)], pad: "x".repeat(20_000) }),
			413,
			"payload_too_large",
		);
	});

	it("answers 400 to a form with a bad quantity", async () => {
		await expectRejected(
			() => postForm({ productId: "travel-mug", quantity: "1.5" }, { origin: ORIGIN }),
			400,
			"invalid_cart",
		);
		await expectRejected(
			() => postForm({ productId: "travel-mug", quantity: "0" }, { origin: ORIGIN }),
			400,
			"invalid_cart",
		);
	});
});

describe("POST /create-checkout-session security", () => {
	it("refuses a cross-origin form post with 403", async () => {
		await expectRejected(
			() => postForm({ productId: "travel-mug" }, { origin: "https://evil.example" }),
			403,
			"forbidden_origin",
		);
	});

	it("refuses a form post with neither Origin nor Referer", async () => {
		await expectRejected(() => postForm({ productId: "travel-mug" }), 403, "forbidden_origin");
	});

	it("refuses a form post whose Referer is another site", async () => {
		await expectRejected(
			() => postForm({ productId: "travel-mug" }, { referer: "https://evil.example/shop.test" }),
			403,
			"forbidden_origin",
		);
	});

	it("refuses a form post from an opaque origin (sandboxed frame)", async () => {
		await expectRejected(
			() => postForm({ productId: "travel-mug" }, { origin: "null", referer: `${ORIGIN}/` }),
			403,
			"forbidden_origin",
		);
	});

	it("limits checkout creation per client: 429 rate_limited with Retry-After", async () => {
		const ip = `203.0.113.${Math.floor(Math.random() * 200)}`;
		const attempt = () => checkoutFrom(ip);
		const statuses: number[] = [];
		let limited: Response | undefined;
		for (let i = 0; i < 15 && !limited; i++) {
			const res = await attempt();
			statuses.push(res.status);
			if (res.status === 429) limited = res;
		}
		expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
		expect(limited?.headers.get("retry-after")).toBe("60");
		expect(await limited?.json()).toMatchObject({ error: { code: "rate_limited" } });
	});
});

describe("the per-client limit on IPv6", () => {
	it("counts every address of one /64 as one client, and another /64 apart", async () => {
		const net = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
		const prefix = `2001:db8:${net.slice(0, 4)}:${net.slice(4)}`;
		const attempt = checkoutFrom;
		const statuses: number[] = [];
		// Eleven different addresses of the same /64 (written in three notations).
		for (let i = 1; i <= 11; i++) {
			const ip =
				i % 3 === 0
					? `${prefix}:0:0:0:${i.toString(16)}`
					: i % 3 === 1
						? `${prefix}::${i.toString(16)}`
						: `${prefix.toUpperCase()}:00${i.toString(16)}:1:2:3`;
			statuses.push((await attempt(ip)).status);
		}
		expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
		expect(statuses[10]).toBe(429);
		expect((await attempt(`2001:db8:ffff:${net.slice(4)}::1`)).status).toBe(400);
	});
});

describe("APP_URL", () => {
	const cart = (origin: string) =>
		new Request(`${origin}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ items: [line("travel-mug", 1)] }),
		});

	it("is required outside local development: 500 config_invalid naming it, and no order written", async () => {
		const body = await expectRejected(
			() => fetchWithEnv(cart("https://attacker-chosen-host.example"), { APP_URL: undefined }),
			500,
			"config_invalid",
		);
		expect(body.error.message).toContain("APP_URL");
	});

	it("may be left unset for a request to localhost, whose origin is then used", async () => {
		for (const origin of ["http://localhost:8787", "http://127.0.0.1:8787"]) {
			const res = await fetchWithEnv(cart(origin), { APP_URL: undefined });
			expect(res.status).toBe(200);
		}
	});

	it("decides success_url and cancel_url whatever the request's Host says", async () => {
		const res = await fetchWithEnv(cart("https://attacker-chosen-host.example"), {
			APP_URL: "https://shop.test",
		});
		expect(res.status).toBe(200);
	});
});

describe("configuration errors", () => {
	const cartRequest = () =>
		new Request(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ items: [line("travel-mug", 1)] }),
		});

	it("answers 500 config_invalid naming STRIPE_SECRET_KEY when it is missing, never its value", async () => {
		const body = await expectRejected(
			() => fetchWithEnv(cartRequest(), { STRIPE_SECRET_KEY: "" }),
			500,
			"config_invalid",
		);
		expect(body.error.message).toContain("STRIPE_SECRET_KEY");
	});

	it("answers 500 when the key is malformed, without echoing it", async () => {
		const body = await expectRejected(
			() => fetchWithEnv(cartRequest(), { STRIPE_SECRET_KEY: "pk_test_oops_publishable" }),
			500,
			"config_invalid",
		);
		expect(body.error.message).toContain("STRIPE_SECRET_KEY");
		expect(body.error.message).not.toContain("pk_test_oops_publishable");
	});

	it("refuses STRIPE_API_BASE with a live key", async () => {
		const body = await expectRejected(
			() => fetchWithEnv(cartRequest(), { STRIPE_SECRET_KEY: "sk_live_abc123" }),
			500,
			"config_invalid",
		);
		expect(body.error.message).toContain("STRIPE_API_BASE");
		expect(body.error.message).not.toContain("sk_live_abc123");
	});

	it("keeps the catalog answering without a key, and /healthz says which are missing", async () => {
		const noKeys = { STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "" };
		for (const path of ["/api/products", "/api/config"]) {
			const res = await fetchWithEnv(new Request(`${ORIGIN}${path}`), noKeys);
			expect(res.status).toBe(200);
		}
		const health = await fetchWithEnv(new Request(`${ORIGIN}/healthz`), noKeys);
		expect(health.status).toBe(503);
		expect(await health.json()).toEqual({
			ok: false,
			problems: ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"],
		});
	});
});

describe("GET /api/config and unknown routes", () => {
	it("serves the publishable key, the way to pay and where Stripe.js comes from, nothing secret", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/api/config`);
		expect(await res.json()).toEqual({
			publishableKey: "pk_test_publishable",
			checkoutUi: "hosted",
			// A test key going to the emulator: its Stripe.js stand-in.
			stripeJsUrl: `${new URL(env.STRIPE_API_BASE).origin}/js/stripe.js`,
		});
	});

	it("answers unknown API routes with a JSON 404", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/api/nope`);
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
		expect(res.headers.get("strict-transport-security")).toContain("max-age=");
	});
});
