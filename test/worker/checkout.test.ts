import { describe, expect, it } from "vitest";
import { STRIPE_API_VERSION } from "../../src/lib/stripe.ts";
import { CHECKOUT_TTL_SECONDS } from "../../src/services/payments/checkout.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { checkout, ORIGIN, postCheckout, postForm, uniqueOrigin } from "./helpers/checkout.ts";
import { dbq, getOrder, tableCounts, transitionsOf } from "./helpers/db.ts";
import { emulator } from "./helpers/emulator.ts";

const sessionsPath = "/v1/checkout/sessions";

async function createRequestFor(orderId: string) {
	const all = await emulator.requests(sessionsPath);
	return all.filter((r) => r.method === "POST" && JSON.stringify(r.params).includes(orderId));
}

describe("POST /create-checkout-session", () => {
	it("prices the cart from the catalog, writes the order, and creates the session Stripe's way", async () => {
		const res = await postCheckout({
			items: [
				{ productId: "espresso-beans", quantity: 2 },
				{ productId: "travel-mug", quantity: 1 },
			],
		});
		expect(res.status).toBe(200);
		const answer = await res.json<{
			orderId: string;
			sessionId: string;
			url: string;
			resumeToken: string;
		}>();
		expect(answer.sessionId).toMatch(/^cs_test_/);
		expect(answer.url).toContain(answer.sessionId);

		const order = await getOrder(answer.orderId);
		expect(order).toMatchObject({
			status: "pending",
			amount: 2 * 2400 + 1800,
			currency: "usd",
			stripeCheckoutSessionId: answer.sessionId,
			checkoutUrl: answer.url,
		});
		const items = await dbq.query.orderItems.findMany({
			where: (i, { eq }) => eq(i.orderId, answer.orderId),
		});
		expect(items.map((i) => [i.productId, i.name, i.unitAmount, i.quantity])).toEqual([
			["espresso-beans", "Espresso beans, 1 kg", 2400, 2],
			["travel-mug", "Travel mug", 1800, 1],
		]);
		expect(
			(await transitionsOf(answer.orderId)).map((t) => [t.fromStatus, t.toStatus, t.source]),
		).toEqual([[null, "pending", "checkout"]]);

		const [request, ...more] = await createRequestFor(answer.orderId);
		expect(more).toHaveLength(0);
		expect(request?.idempotencyKey).toBe(`order-${answer.orderId}-checkout-session`);
		expect(request?.stripeVersion).toBe(STRIPE_API_VERSION);
		const params = request?.params as Record<string, unknown>;
		expect(params).toMatchObject({
			mode: "payment",
			client_reference_id: answer.orderId,
			metadata: { order_id: answer.orderId },
			payment_intent_data: { metadata: { order_id: answer.orderId } },
			success_url: `${ORIGIN}/success.html?session_id={CHECKOUT_SESSION_ID}`,
			cancel_url: `${ORIGIN}/cancel.html?order_id=${answer.orderId}&token=${answer.resumeToken}`,
		});
		expect(params).not.toHaveProperty("payment_method_types");
		const lineItems = params.line_items as {
			quantity: string;
			price_data: { currency: string; unit_amount: string; product_data: { name: string } };
		}[];
		expect(
			lineItems.map((l) => [
				String(l.quantity),
				l.price_data.currency,
				String(l.price_data.unit_amount),
				l.price_data.product_data.name,
			]),
		).toEqual([
			["2", "usd", "2400", "Espresso beans, 1 kg"],
			["1", "usd", "1800", "Travel mug"],
		]);
		const expiresAt = Number(params.expires_at);
		expect(
			Math.abs(expiresAt - (Math.floor(Date.now() / 1000) + CHECKOUT_TTL_SECONDS)),
		).toBeLessThan(60);
		expect(order.checkoutExpiresAt).toBe(expiresAt * 1000);
	});

	it("keeps zero-decimal amounts as they are (JPY)", async () => {
		const answer = await checkout([{ productId: "matcha-tin", quantity: 3 }]);
		expect(await getOrder(answer.orderId)).toMatchObject({ amount: 4500, currency: "jpy" });
		const [request] = await createRequestFor(answer.orderId);
		const lines = request?.params.line_items as {
			price_data: { unit_amount: string; currency: string };
		}[];
		const line = lines[0];
		expect([String(line?.price_data.unit_amount ?? ""), line?.price_data.currency]).toEqual([
			"1500",
			"jpy",
		]);
	});

	it("merges the same product given on two lines", async () => {
		const answer = await checkout([
			{ productId: "travel-mug", quantity: 1 },
			{ productId: "travel-mug", quantity: 2 },
		]);
		expect(await getOrder(answer.orderId)).toMatchObject({ amount: 3 * 1800 });
	});

	it("uses APP_URL for the success and cancel URLs when set", async () => {
		const req = new Request(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ items: [{ productId: "travel-mug", quantity: 1 }] }),
		});
		const res = await fetchWithEnv(req, { APP_URL: "https://shop.example.com/" });
		const answer = await res.json<{ orderId: string }>();
		const [request] = await createRequestFor(answer.orderId);
		expect(request?.params.success_url).toBe(
			"https://shop.example.com/success.html?session_id={CHECKOUT_SESSION_ID}",
		);
	});

	it("answers a same-origin Buy now form with 303 to Stripe", async () => {
		const res = await postForm({ productId: "travel-mug", quantity: "2" }, { origin: ORIGIN });
		expect(res.status).toBe(303);
		const location = res.headers.get("location") ?? "";
		const order = await dbq.query.orders.findFirst({
			where: (o, { eq }) => eq(o.checkoutUrl, location),
		});
		expect(order).toMatchObject({ amount: 3600, status: "pending" });
	});

	it("accepts a form whose Referer is ours when Origin is absent", async () => {
		const res = await postForm({ productId: "travel-mug" }, { referer: `${ORIGIN}/index.html` });
		expect(res.status).toBe(303);
	});
});

describe("POST /create-checkout-session with an Idempotency-Key", () => {
	const cart = { items: [{ productId: "espresso-beans", quantity: 1 }] };

	it("gives the same answer to a retried request and creates nothing twice", async () => {
		const key = crypto.randomUUID();
		const first = await postCheckout(cart, { "idempotency-key": key });
		const again = await postCheckout(cart, { "idempotency-key": key });
		const a = await first.json<{ orderId: string }>();
		expect(first.status).toBe(200);
		expect(again.status).toBe(200);
		expect(await again.json()).toEqual(a);
		expect(await createRequestFor(a.orderId)).toHaveLength(1);
		const ordersForKey = await dbq.query.orders.findMany({
			where: (o, { eq }) => eq(o.id, a.orderId),
		});
		expect(ordersForKey).toHaveLength(1);
	});

	it("treats the same cart in another order as the same request", async () => {
		const key = crypto.randomUUID();
		const items = [
			{ productId: "espresso-beans", quantity: 1 },
			{ productId: "travel-mug", quantity: 1 },
		];
		const a = await (await postCheckout({ items }, { "idempotency-key": key })).json();
		const b = await (
			await postCheckout({ items: [...items].reverse() }, { "idempotency-key": key })
		).json();
		expect(b).toEqual(a);
	});

	it("refuses the same key with another cart: 422 idempotency_key_reused", async () => {
		const key = crypto.randomUUID();
		expect((await postCheckout(cart, { "idempotency-key": key })).status).toBe(200);
		const other = await postCheckout(
			{ items: [{ productId: "espresso-beans", quantity: 2 }] },
			{ "idempotency-key": key },
		);
		expect(other.status).toBe(422);
		expect(await other.json()).toMatchObject({ error: { code: "idempotency_key_reused" } });
	});

	it("creates one order and one session when duplicates race", async () => {
		const key = crypto.randomUUID();
		const before = (await tableCounts()).orders ?? 0;
		const answers = await Promise.all(
			Array.from({ length: 6 }, () => postCheckout(cart, { "idempotency-key": key })),
		);
		const statuses = answers.map((r) => r.status);
		expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
		expect(statuses).toContain(200);
		for (const r of answers.filter((x) => x.status === 409)) {
			expect(r.headers.get("retry-after")).toBe("1");
			expect(await r.json()).toMatchObject({ error: { code: "request_in_progress" } });
		}
		const ids = new Set(
			await Promise.all(
				answers
					.filter((r) => r.status === 200)
					.map(async (r) => (await r.json<{ orderId: string }>()).orderId),
			),
		);
		expect(ids.size).toBe(1);
		expect(((await tableCounts()).orders ?? 0) - before).toBe(1);
		const after = await postCheckout(cart, { "idempotency-key": key });
		expect((await after.json<{ orderId: string }>()).orderId).toBe([...ids][0]);
	});

	it("rejects a malformed key", async () => {
		const res = await postCheckout(cart, { "idempotency-key": "x".repeat(256) });
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_idempotency_key" } });
	});

	it("does not keep a 5xx: a retry with the same key runs again", async () => {
		const key = crypto.randomUUID();
		const body = { items: [{ productId: "pour-over-kit", quantity: 7 }] };
		const origin = uniqueOrigin();
		await emulator.addFault({ match: new URL(origin).host, status: 500, count: 2 });
		const failed = await postCheckout(body, { "idempotency-key": key }, origin);
		expect(failed.status).toBe(502);
		const retried = await postCheckout(body, { "idempotency-key": key }, origin);
		expect(retried.status).toBe(200);
	});
});

describe("POST /create-checkout-session when Stripe fails", () => {
	it("answers 502 stripe_unavailable and keeps the order canceled, never payable", async () => {
		const origin = uniqueOrigin();
		await emulator.addFault({ match: new URL(origin).host, status: 503, count: 2 });
		const res = await postCheckout(
			{ items: [{ productId: "pour-over-kit", quantity: 3 }] },
			{},
			origin,
		);
		expect(res.status).toBe(502);
		expect(await res.json()).toMatchObject({ error: { code: "stripe_unavailable" } });
		const order = await dbq.query.orders.findFirst({
			where: (o, { and, eq }) =>
				and(eq(o.amount, 3 * 4500), eq(o.failureCode, "stripe_unavailable")),
		});
		expect(order).toMatchObject({ status: "canceled", stripeCheckoutSessionId: null });
		expect((await transitionsOf(order?.id ?? "")).map((t) => t.toStatus)).toEqual([
			"pending",
			"canceled",
		]);
	});
});
