import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orders, products } from "../../src/db/schema.ts";
import { type CheckoutAnswer, checkout, ORIGIN, postCheckout } from "./helpers/checkout.ts";
import { db, getOrder, insertOrder, tableCounts, transitionsOf } from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";

type PublicOrder = {
	id: string;
	status: string;
	amount: number;
	currency: string;
	items: unknown[];
	createdAt: string;
	paidAt: string | null;
	failureMessage: string | null;
};
const bySession = (sessionId: string) =>
	exports.default.fetch(`${ORIGIN}/api/orders/by-session/${sessionId}`);
const retrievals = async (sessionId: string) =>
	(await emulator.requests(`/v1/checkout/sessions/${sessionId}`)).filter((r) => r.method === "GET")
		.length;
/** Lets the next success-page poll ask Stripe again without waiting out the throttle. */
const forgetLastCheck = (orderId: string) =>
	db.update(orders).set({ reconciledAt: null }).where(eq(orders.id, orderId));

describe("GET /api/orders/:id", () => {
	it("answers the public view of an order, times in ISO 8601 UTC", async () => {
		const order = await insertOrder();
		const res = await exports.default.fetch(`${ORIGIN}/api/orders/${order.id}`);
		expect(res.status).toBe(200);
		const body = await res.json<PublicOrder & Record<string, unknown>>();
		expect(body).toMatchObject({
			id: order.id,
			status: "pending",
			amount: 4800,
			currency: "usd",
			minorUnits: 2,
			paidAt: null,
			failureMessage: null,
		});
		expect(body.items).toEqual([
			{ productId: "espresso-beans", name: "Espresso beans, 1 kg", unitAmount: 2400, quantity: 2 },
		]);
		expect(body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(Object.keys(body)).not.toContain("stripeCheckoutSessionId");
		expect(Object.keys(body)).not.toContain("customerEmail");
	});

	it("answers 404 order_not_found for an unknown id", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/api/orders/${crypto.randomUUID()}`);
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: { code: "order_not_found" } });
	});
});

describe("GET /api/orders/by-session/:sessionId (success page)", () => {
	it("shows paid before the webhook arrives, by asking Stripe", async () => {
		const { orderId, sessionId } = await checkout([{ productId: "travel-mug", quantity: 1 }]);
		await emulator.pay(sessionId);
		const res = await bySession(sessionId);
		expect(res.status).toBe(200);
		const body = await res.json<PublicOrder>();
		expect(body).toMatchObject({ id: orderId, status: "paid", amount: 1800 });
		expect(body.paidAt).not.toBeNull();
		expect((await transitionsOf(orderId)).at(-1)).toMatchObject({
			toStatus: "paid",
			source: "success_page",
		});
	});

	it("shows a decline as failed with the reason", async () => {
		const { sessionId } = await checkout([{ productId: "travel-mug", quantity: 1 }]);
		await emulator.pay(sessionId, { card: "4000000000009995" });
		const body = await (await bySession(sessionId)).json<PublicOrder>();
		expect(body.status).toBe("failed");
		expect(body.failureMessage).toMatch(/insufficient funds/i);
	});

	it("asks Stripe at most once per order however fast the page polls", async () => {
		const { sessionId } = await checkout([{ productId: "travel-mug", quantity: 1 }]);
		const polls = await Promise.all(Array.from({ length: 10 }, () => bySession(sessionId)));
		expect(polls.every((r) => r.status === 200)).toBe(true);
		expect(await retrievals(sessionId)).toBe(1);
	});

	it("stops asking Stripe once the order is final", async () => {
		const { orderId, sessionId } = await checkout([{ productId: "travel-mug", quantity: 1 }]);
		await emulator.pay(sessionId);
		await bySession(sessionId);
		await forgetLastCheck(orderId);
		await bySession(sessionId);
		expect(await retrievals(sessionId)).toBe(1);
	});

	it("answers what it knows when Stripe is down, and catches up later", async () => {
		const { orderId, sessionId } = await checkout([{ productId: "travel-mug", quantity: 1 }]);
		await emulator.pay(sessionId);
		await emulator.addFault({
			match: `GET /v1/checkout/sessions/${sessionId}`,
			status: 500,
			count: 2,
		});
		const during = await bySession(sessionId);
		expect(during.status).toBe(200);
		expect((await during.json<PublicOrder>()).status).toBe("pending");
		await forgetLastCheck(orderId);
		expect((await (await bySession(sessionId)).json<PublicOrder>()).status).toBe("paid");
	});

	it("answers 404 for a session that is not ours", async () => {
		const res = await bySession("cs_test_not_ours");
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: { code: "order_not_found" } });
	});
});

describe("resuming an interrupted checkout", () => {
	const cart = [{ productId: "espresso-beans", quantity: 1 }];

	it("answers the same open session for the same cart, creating nothing", async () => {
		const first = await checkout(cart);
		// This file's D1 is its own; the emulator's request log is every file's.
		const before = await tableCounts();
		const resumed = await checkout(cart, {
			orderId: first.orderId,
			resumeToken: first.resumeToken,
		});
		expect(resumed).toEqual(first);
		expect(await tableCounts()).toEqual(before);
	});

	it("resumes a failed order (declined card) in the same session", async () => {
		const first = await checkout(cart);
		await emulator.pay(first.sessionId, { card: "4000000000000002" });
		await bySession(first.sessionId);
		expect((await getOrder(first.orderId)).status).toBe("failed");
		expect(
			await checkout(cart, { orderId: first.orderId, resumeToken: first.resumeToken }),
		).toEqual(first);
	});

	it("resumes the same session after the product was deactivated or repriced: the catalog does not reprice or refuse a payable checkout", async () => {
		for (const change of [{ active: false }, { unitAmount: 1500 }]) {
			const id = `resume-${crypto.randomUUID().slice(0, 8)}`;
			await db.insert(products).values({
				id,
				name: `Resumable ${id}`,
				unitAmount: 1200,
				currency: "usd",
				shippable: false,
			});
			const mine = [{ productId: id, quantity: 2 }];
			const first = await checkout(mine);
			await db.update(products).set(change).where(eq(products.id, id));
			const before = await tableCounts();
			// By JSON (the storefront) and by the cancel page's form (no items: the order's own).
			expect(
				await checkout(mine, { orderId: first.orderId, resumeToken: first.resumeToken }),
			).toEqual(first);
			const form = await exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
				body: new URLSearchParams({ orderId: first.orderId, resumeToken: first.resumeToken }),
				redirect: "manual",
			});
			expect(form.status, JSON.stringify(change)).toBe(303);
			expect(form.headers.get("location")).toBe(first.url);
			expect(await tableCounts()).toEqual(before);
			expect(await getOrder(first.orderId)).toMatchObject({ status: "pending", subtotal: 2400 });
		}
	});

	it("supersedes the old order when the cart changed: old session expired, old order canceled", async () => {
		const first = await checkout(cart);
		const second = await checkout([{ productId: "espresso-beans", quantity: 2 }], {
			orderId: first.orderId,
			resumeToken: first.resumeToken,
		});
		expect(second.orderId).not.toBe(first.orderId);
		expect(second.sessionId).not.toBe(first.sessionId);
		expect(await getOrder(first.orderId)).toMatchObject({
			status: "canceled",
			failureCode: "superseded",
		});
		expect(
			(await emulator.requests(`/v1/checkout/sessions/${first.sessionId}/expire`)).filter(
				(r) => r.status === 200,
			),
		).toHaveLength(1);
		expect((await getOrder(second.orderId)).amount).toBe(4800);
	});

	it("never cancels an order whose session completed meanwhile: 409 order_already_paid", async () => {
		const first = await checkout(cart);
		await emulator.pay(first.sessionId);
		const res = await exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				items: [{ productId: "travel-mug", quantity: 1 }],
				orderId: first.orderId,
				resumeToken: first.resumeToken,
			}),
		});
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ error: { code: "order_already_paid" } });
		expect((await getOrder(first.orderId)).status).toBe("paid");
	});

	it("cancels a declined order whose session closed when the shopper tries again", async () => {
		const first = await checkout(cart);
		await emulator.pay(first.sessionId, { delayed: "failure" });
		await emulator.settleDelayedPayments(first.sessionId);
		await bySession(first.sessionId);
		expect((await getOrder(first.orderId)).status).toBe("failed");
		const retry = await checkout(cart, { orderId: first.orderId, resumeToken: first.resumeToken });
		expect(retry.orderId).not.toBe(first.orderId);
		expect(await getOrder(first.orderId)).toMatchObject({
			status: "canceled",
			failureCode: "superseded",
		});
	});

	it("answers 409 for a paid or processing order", async () => {
		for (const status of ["paid", "processing"] as const) {
			const order = await insertOrder({ status, itemsKey: "usd|espresso-beans*1@2400" });
			const res = await exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ items: cart, orderId: order.id, resumeToken: order.resumeToken }),
			});
			expect(res.status).toBe(409);
		}
	});

	it("ignores an order id without its resume token: a new order, the old one and its session untouched", async () => {
		const victim = await checkout(cart);
		for (const resumeToken of [undefined, "", "x".repeat(22), `${victim.resumeToken}x`]) {
			for (const items of [cart, [{ productId: "travel-mug", quantity: 3 }]]) {
				const res = await postCheckout({
					items,
					orderId: victim.orderId,
					...(resumeToken !== undefined && { resumeToken }),
				});
				expect(res.status).toBe(200);
				const answer = await res.json<CheckoutAnswer>();
				expect(answer.orderId).not.toBe(victim.orderId);
				expect(answer.sessionId).not.toBe(victim.sessionId);
			}
		}
		expect(await getOrder(victim.orderId)).toMatchObject({
			status: "pending",
			stripeCheckoutSessionId: victim.sessionId,
		});
		expect((await stripe().checkout.sessions.retrieve(victim.sessionId)).status).toBe("open");
	});

	it("answers the resume token with every checkout, in the cancel URL too", async () => {
		const answer = await checkout(cart);
		expect(answer.resumeToken).toMatch(/^[A-Za-z0-9_-]{22}$/);
		const session = await stripe().checkout.sessions.retrieve(answer.sessionId);
		expect(new URL(session.cancel_url ?? "").searchParams.get("token")).toBe(answer.resumeToken);
	});

	it("makes a new order for an unknown, expired or canceled order id", async () => {
		const expired = await insertOrder({ status: "expired" });
		for (const orderId of [crypto.randomUUID(), expired.id]) {
			const answer = await checkout(cart, { orderId });
			expect(answer.orderId).not.toBe(orderId);
		}
	});

	it("answers 502 and keeps the old order when Stripe cannot expire its session", async () => {
		const first = await checkout(cart);
		await emulator.addFault({
			match: `POST /v1/checkout/sessions/${first.sessionId}/expire`,
			status: 500,
			count: 2,
		});
		const res = await exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				items: [{ productId: "espresso-beans", quantity: 3 }],
				orderId: first.orderId,
				resumeToken: first.resumeToken,
			}),
		});
		expect(res.status).toBe(502);
		expect((await getOrder(first.orderId)).status).toBe("pending");
	});
});
