import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { insertOrder, tableCounts } from "./helpers/db.ts";
import { emulator } from "./helpers/emulator.ts";

const ORIGIN = "https://shop.test";

/** Every admin route, with a method and a body that would be accepted with the right token. */
const ROUTES: {
	name: string;
	method: "GET" | "POST";
	path: (orderId: string) => string;
	body?: string;
}[] = [
	{ name: "GET /admin/orders", method: "GET", path: () => "/admin/orders" },
	{ name: "GET /admin/orders/:id", method: "GET", path: (id) => `/admin/orders/${id}` },
	{
		name: "GET /admin/webhook-events",
		method: "GET",
		path: () => "/admin/webhook-events?result=failed",
	},
	{ name: "GET /admin/alerts", method: "GET", path: () => "/admin/alerts" },
	{ name: "POST /admin/orders/:id/sync", method: "POST", path: (id) => `/admin/orders/${id}/sync` },
	{
		name: "POST /admin/orders/:id/refund",
		method: "POST",
		path: (id) => `/admin/orders/${id}/refund`,
		body: JSON.stringify({ amount: 100 }),
	},
];

function request(route: (typeof ROUTES)[number], orderId: string, authorization?: string): Request {
	const headers = new Headers({ "content-type": "application/json" });
	if (authorization !== undefined) headers.set("authorization", authorization);
	return new Request(`${ORIGIN}${route.path(orderId)}`, {
		method: route.method,
		headers,
		body: route.body,
	});
}

const sameLengthWrongToken = TEST_ADMIN_TOKEN.replace(/.$/, (c) => (c === "x" ? "y" : "x"));

const BAD_CREDENTIALS: [string, string | undefined][] = [
	["no Authorization header", undefined],
	["a wrong token of the same length", `Bearer ${sameLengthWrongToken}`],
	["a token of a different length", `Bearer ${TEST_ADMIN_TOKEN}0`],
	["a prefix of the token", `Bearer ${TEST_ADMIN_TOKEN.slice(0, 8)}`],
	["the token without the Bearer scheme", TEST_ADMIN_TOKEN],
	["the token as Basic credentials", `Basic ${btoa(`admin:${TEST_ADMIN_TOKEN}`)}`],
	["an empty Bearer token", "Bearer "],
	["the token followed by another value", `Bearer ${TEST_ADMIN_TOKEN} ${TEST_ADMIN_TOKEN}`],
];

afterEach(() => {
	vi.restoreAllMocks();
});

describe("admin authentication", () => {
	for (const route of ROUTES) {
		it.each(BAD_CREDENTIALS)(`${route.name} answers 401 for %s`, async (_, authorization) => {
			const order = await insertOrder({
				status: "paid",
				stripePaymentIntentId: `pi_sec_${crypto.randomUUID()}`,
			});
			const before = await tableCounts();
			const res = await exports.default.fetch(request(route, order.id, authorization));
			expect(res.status).toBe(401);
			expect(res.headers.get("www-authenticate")).toBe("Bearer");
			expect(res.headers.get("cache-control")).toBe("no-store");
			expect(await res.json()).toEqual({
				error: { code: "unauthorized", message: expect.any(String) },
			});
			expect(await tableCounts()).toEqual(before);
		});
	}

	it("never reaches Stripe for a refund with a wrong token", async () => {
		const paymentIntentId = `pi_sec_${crypto.randomUUID()}`;
		const order = await insertOrder({ status: "paid", stripePaymentIntentId: paymentIntentId });
		const refund = ROUTES.at(-1);
		if (!refund) throw new Error("no refund route");
		const res = await exports.default.fetch(
			request(refund, order.id, `Bearer ${sameLengthWrongToken}`),
		);
		expect(res.status).toBe(401);
		const refunds = await emulator.requests("/v1/refunds");
		expect(refunds.filter((r) => r.params.payment_intent === paymentIntentId)).toEqual([]);
	});

	it("does not take the token from the query string", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/admin/alerts?token=${TEST_ADMIN_TOKEN}`);
		expect(res.status).toBe(401);
	});

	it("accepts the Bearer scheme in any case, as HTTP allows", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/admin/alerts`, {
			headers: { authorization: `bearer ${TEST_ADMIN_TOKEN}` },
		});
		expect(res.status).toBe(200);
	});

	it("compares with the configured token trimmed, as secrets are often stored with a newline", async () => {
		const res = await fetchWithEnv(
			new Request(`${ORIGIN}/admin/alerts`, { headers: { authorization: "Bearer s3cret-token" } }),
			{ ADMIN_TOKEN: "s3cret-token\n" },
		);
		expect(res.status).toBe(200);
	});

	it("never logs the admin token", async () => {
		const lines: string[] = [];
		for (const level of ["log", "info", "warn", "error", "debug"] as const) {
			vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
				lines.push(args.map(String).join(" "));
			});
		}
		const order = await insertOrder();
		await exports.default.fetch(`${ORIGIN}/admin/orders/${order.id}/sync`, {
			method: "POST",
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
		});
		await exports.default.fetch(`${ORIGIN}/admin/orders/${order.id}/refund`, {
			method: "POST",
			headers: { authorization: `Bearer ${sameLengthWrongToken}` },
		});
		expect(lines.length).toBeGreaterThan(0);
		for (const line of lines) {
			expect(line).not.toContain(TEST_ADMIN_TOKEN);
			expect(line).not.toContain(sameLengthWrongToken);
		}
	});
});

describe("admin without a configured token", () => {
	const notConfigured: [string, Record<string, unknown>][] = [
		["empty", { ADMIN_TOKEN: "" }],
		["blank", { ADMIN_TOKEN: "   " }],
		["unset", { ADMIN_TOKEN: undefined }],
	];

	for (const [label, overrides] of notConfigured) {
		it.each(ROUTES.map((r) => [r.name, r] as const))(
			`answers 404 not_found for %s when ADMIN_TOKEN is ${label}, even with a token`,
			async (_, route) => {
				const order = await insertOrder({ status: "paid" });
				const before = await tableCounts();
				for (const authorization of [undefined, `Bearer ${TEST_ADMIN_TOKEN}`, "Bearer "]) {
					const res = await fetchWithEnv(request(route, order.id, authorization), overrides);
					expect(res.status).toBe(404);
					expect(res.headers.get("www-authenticate")).toBeNull();
					expect(await res.json()).toEqual({
						error: { code: "not_found", message: expect.any(String) },
					});
				}
				expect(await tableCounts()).toEqual(before);
			},
		);
	}

	it("answers exactly as for a path that does not exist", async () => {
		const admin = await fetchWithEnv(new Request(`${ORIGIN}/admin/orders`), { ADMIN_TOKEN: "" });
		const absent = await fetchWithEnv(new Request(`${ORIGIN}/no-such-route`, { method: "POST" }), {
			ADMIN_TOKEN: "",
		});
		expect(admin.status).toBe(absent.status);
		expect(await admin.json()).toEqual(await absent.json());
	});
});
