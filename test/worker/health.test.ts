import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fetchWithEnv } from "./helpers/app.ts";

describe("GET /healthz", () => {
	it("answers ok when D1 answers, with security headers", async () => {
		const res = await exports.default.fetch("https://shop.test/healthz");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true });
		expect(res.headers.get("x-content-type-options")).toBe("nosniff");
		expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
	});
});

describe("GET /healthz when the shop cannot sell", () => {
	const health = async (overrides: Record<string, unknown>, url = "https://shop.test/healthz") => {
		const res = await fetchWithEnv(new Request(url), overrides);
		return { status: res.status, body: await res.json<{ ok: boolean; problems?: string[] }>() };
	};

	it.each([
		["APP_URL unset on a public host", { APP_URL: "" }, ["APP_URL"]],
		["no Stripe key", { STRIPE_SECRET_KEY: undefined }, ["STRIPE_SECRET_KEY"]],
		["a malformed webhook secret", { STRIPE_WEBHOOK_SECRET: "secret" }, ["STRIPE_WEBHOOK_SECRET"]],
		["countries written out", { SHIPPING_COUNTRIES: "France" }, ["SHIPPING_COUNTRIES"]],
		["a tax switch that is neither on nor off", { AUTOMATIC_TAX: "yes" }, ["AUTOMATIC_TAX"]],
		["Resend without its key or sender", { EMAIL_PROVIDER: "resend" }, ["EMAIL_FROM"]],
		[
			"the Email Service without its binding",
			{ EMAIL_PROVIDER: "cloudflare", EMAIL_FROM: "shop@shop.test" },
			["EMAIL"],
		],
	] as const)("answers 503 naming what is wrong: %s", async (_, overrides, problems) => {
		const { status, body } = await health(overrides);
		expect(status).toBe(503);
		expect(body).toEqual({ ok: false, problems });
	});

	it("names every problem at once, and never a value", async () => {
		const { status, body } = await health({
			APP_URL: "",
			STRIPE_WEBHOOK_SECRET: "not-a-whsec-value",
			MAX_ORDER_AMOUNT: "lots",
		});
		expect(status).toBe(503);
		expect(body.problems?.sort()).toEqual(["APP_URL", "MAX_ORDER_AMOUNT", "STRIPE_WEBHOOK_SECRET"]);
		expect(JSON.stringify(body)).not.toContain("not-a-whsec-value");
		expect(JSON.stringify(body)).not.toContain("lots");
	});

	it("lets APP_URL be unset for a shop run on this machine", async () => {
		const { status, body } = await health({ APP_URL: "" }, "http://localhost:8787/healthz");
		expect(status).toBe(200);
		expect(body).toEqual({ ok: true });
	});

	it("names DB when D1 does not answer", async () => {
		const broken = new Proxy(env.DB, {
			get: (target, prop) =>
				prop === "prepare"
					? () => ({ first: () => Promise.reject(new Error("D1_ERROR: down")) })
					: Reflect.get(target, prop),
		});
		const { status, body } = await health({ DB: broken });
		expect(status).toBe(503);
		expect(body).toEqual({ ok: false, problems: ["DB"] });
	});
});

describe("GET /api/products", () => {
	it("lists active products only, priced in minor units", async () => {
		const res = await exports.default.fetch("https://shop.test/api/products");
		expect(res.status).toBe(200);
		const { products } = await res.json<{
			products: { id: string; unitAmount: number; currency: string }[];
		}>();
		expect(products.map((p) => p.id)).toContain("matcha-tin");
		expect(products.find((p) => p.id === "matcha-tin")).toMatchObject({
			unitAmount: 1500,
			currency: "jpy",
			minorUnits: 0,
		});
		expect(products.find((p) => p.id === "espresso-beans")).toMatchObject({ minorUnits: 2 });
		expect(products.map((p) => p.id)).not.toContain("retired-grinder");
	});
});
