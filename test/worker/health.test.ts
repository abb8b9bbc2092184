import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /healthz", () => {
	it("answers ok when D1 answers, with security headers", async () => {
		const res = await exports.default.fetch("https://shop.test/healthz");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true });
		expect(res.headers.get("x-content-type-options")).toBe("nosniff");
		expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
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
