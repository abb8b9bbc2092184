import { env, exports } from "cloudflare:workers";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../../src/domain/vocabulary.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { checkout } from "./helpers/checkout.ts";
import { insertOrder, transitionsOf } from "./helpers/db.ts";
import { emulator } from "./helpers/emulator.ts";
import { charge, completedSession, stripeEvent, uniqueId } from "./helpers/stripe-objects.ts";
import { deliver } from "./helpers/webhooks.ts";

/** A request to the operator API with the configured token. */
function admin(path: string, init: RequestInit = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	headers.set("authorization", `Bearer ${TEST_ADMIN_TOKEN}`);
	return exports.default.fetch(`https://shop.test/admin${path}`, { ...init, headers });
}

async function adminJson<T>(path: string, init: RequestInit = {}): Promise<T> {
	const res = await admin(path, init);
	expect(res.status, await res.clone().text()).toBe(200);
	expect(res.headers.get("cache-control")).toBe("no-store");
	return res.json<T>();
}

async function expectError(res: Response, status: number, code: string) {
	expect(res.status).toBe(status);
	expect(await res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
}

type AdminOrder = {
	id: string;
	status: OrderStatus;
	createdAt: string;
	stripeCheckoutSessionId: string | null;
	stripePaymentIntentId: string | null;
	failureCode: string | null;
	amountRefunded: number;
	items: { productId: string; quantity: number; unitAmount: number; name: string }[];
};
type OrderPage = { orders: AdminOrder[]; nextCursor: string | null };
type Transition = {
	from: OrderStatus | null;
	to: OrderStatus;
	source: string;
	stripeEventId: string | null;
	at: string;
};
type LedgerEvent = {
	id: string;
	type: string;
	result: string;
	error: string | null;
	orderId: string | null;
	receivedAt: string;
};
type AlertView = {
	id: number;
	kind: string;
	orderId: string | null;
	message: string;
	createdAt: string;
};

/** Follows `nextCursor` to the end, collecting every order. */
async function walk(query: string): Promise<AdminOrder[]> {
	const seen: AdminOrder[] = [];
	let cursor: string | null = null;
	for (let page = 0; page < 500; page++) {
		const params = new URLSearchParams(query);
		if (cursor) params.set("cursor", cursor);
		const body: OrderPage = await adminJson<OrderPage>(`/orders?${params}`);
		seen.push(...body.orders);
		cursor = body.nextCursor;
		if (!cursor) return seen;
	}
	throw new Error("pagination did not end");
}

/** Newest first: by creation time, then id, both descending. */
function expectNewestFirst(orders: AdminOrder[]) {
	for (let i = 1; i < orders.length; i++) {
		const [a, b] = [orders[i - 1] as AdminOrder, orders[i] as AdminOrder];
		const ordered = a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);
		expect(ordered, `${a.id} (${a.createdAt}) before ${b.id} (${b.createdAt})`).toBe(true);
	}
}

/** A real checkout at the emulator, paid, with its completed event delivered to the worker. */
async function paidThroughWebhook() {
	const { orderId, sessionId } = await checkout([{ productId: "espresso-beans", quantity: 2 }]);
	const paid = await emulator.pay(sessionId);
	const [completed] = await emulator.events({
		objectId: sessionId,
		type: "checkout.session.completed",
	});
	if (!completed) throw new Error("the emulator emitted no checkout.session.completed");
	expect((await deliver(completed)).status).toBe(200);
	return { orderId, sessionId, paymentIntentId: paid.paymentIntent?.id, event: completed };
}

describe("GET /admin/orders", () => {
	it("lists orders newest first in the operator's view, with items and Stripe ids", async () => {
		const base = Date.now() + 1e9;
		const older = await insertOrder({ createdAt: base, stripePaymentIntentId: uniqueId("pi") });
		const newer = await insertOrder({ createdAt: base + 1, failureCode: "generic_decline" });
		const { orders } = await adminJson<OrderPage>("/orders?limit=100");
		const ids = orders.map((o) => o.id);
		expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
		expectNewestFirst(orders);
		expect(orders.find((o) => o.id === older.id)).toMatchObject({
			status: "pending",
			amount: 4800,
			currency: "usd",
			stripeCheckoutSessionId: older.stripeCheckoutSessionId,
			stripePaymentIntentId: older.stripePaymentIntentId,
			failureCode: null,
			createdAt: new Date(base).toISOString(),
			items: [
				{
					productId: "espresso-beans",
					name: "Espresso beans, 1 kg",
					unitAmount: 2400,
					quantity: 2,
				},
			],
		});
		expect(orders.find((o) => o.id === newer.id)?.failureCode).toBe("generic_decline");
	});

	it("walks every order exactly once, page by page, even orders created in the same millisecond", async () => {
		const sameMoment = Date.now() - 5000;
		const mine = await Promise.all(
			Array.from({ length: 7 }, (_, i) =>
				insertOrder({ createdAt: i < 5 ? sameMoment : sameMoment - i }),
			),
		);
		const seen = await walk("limit=2");
		const ids = seen.map((o) => o.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const order of mine) expect(ids).toContain(order.id);
		expectNewestFirst(seen);
	});

	it("defaults to 50 orders a page", async () => {
		await Promise.all(Array.from({ length: 51 }, () => insertOrder()));
		const body = await adminJson<OrderPage>("/orders");
		expect(body.orders).toHaveLength(50);
		expect(body.nextCursor).toEqual(expect.any(String));
	});

	it("filters by status, across pages", async () => {
		const refunded = await Promise.all([
			insertOrder({ status: "refunded" }),
			insertOrder({ status: "refunded" }),
			insertOrder({ status: "refunded" }),
		]);
		const other = await insertOrder({ status: "paid" });
		const seen = await walk("status=refunded&limit=1");
		expect(seen.every((o) => o.status === "refunded")).toBe(true);
		const ids = seen.map((o) => o.id);
		for (const order of refunded) expect(ids).toContain(order.id);
		expect(ids).not.toContain(other.id);
		expect(new Set(ids).size).toBe(ids.length);
		expectNewestFirst(seen);
	});

	it("treats an empty status as no filter", async () => {
		const order = await insertOrder({ createdAt: Date.now() + 2e9 });
		const body = await adminJson<OrderPage>("/orders?status=&limit=1");
		expect(body.orders[0]?.id).toBe(order.id);
	});

	it.each([
		["an unknown status", "status=settled"],
		["a status given twice", "status=paid&status=failed"],
		["a limit of 0", "limit=0"],
		["a limit over 100", "limit=101"],
		["a fractional limit", "limit=1.5"],
		["a negative limit", "limit=-1"],
		["a limit that is not a number", "limit=ten"],
		["a cursor that is not base64url", "cursor=%21%21%21%21"],
		["a cursor we never gave out", `cursor=${btoa("hello").replace(/=+$/, "")}`],
	])("answers 400 invalid_request for %s", async (_, query) => {
		await expectError(await admin(`/orders?${query}`), 400, "invalid_request");
	});
});

describe("GET /admin/orders/:id", () => {
	it("shows the order with its items and its transitions after a webhook flow", async () => {
		const { orderId, sessionId, paymentIntentId, event } = await paidThroughWebhook();
		const order = await adminJson<AdminOrder & { transitions: Transition[] }>(`/orders/${orderId}`);
		expect(order).toMatchObject({
			id: orderId,
			status: "paid",
			amount: 4800,
			stripeCheckoutSessionId: sessionId,
			stripePaymentIntentId: paymentIntentId,
			amountRefunded: 0,
			items: [{ productId: "espresso-beans", quantity: 2, unitAmount: 2400 }],
		});
		expect(order.transitions).toEqual([
			{
				from: null,
				to: "pending",
				source: "checkout",
				stripeEventId: null,
				at: expect.any(String),
			},
			{
				from: "pending",
				to: "paid",
				source: "webhook",
				stripeEventId: event.id,
				at: expect.any(String),
			},
		]);
		for (const t of order.transitions) expect(new Date(t.at).toISOString()).toBe(t.at);
		// Paid: its checkout no longer "expires"; one awaiting payment says when it does.
		expect(order).toMatchObject({ checkoutExpiresAt: null });
		const waiting = await insertOrder();
		expect(await adminJson(`/orders/${waiting.id}`)).toMatchObject({
			checkoutExpiresAt: new Date(waiting.checkoutExpiresAt ?? 0).toISOString(),
		});
	});

	it("answers 404 order_not_found for an unknown order", async () => {
		await expectError(await admin(`/orders/${crypto.randomUUID()}`), 404, "order_not_found");
	});
});

describe("POST /admin/orders/:id/sync", () => {
	it("syncs a paid order from Stripe before its webhook arrives, recorded as an admin change", async () => {
		const { orderId, sessionId } = await checkout([{ productId: "travel-mug", quantity: 1 }]);
		await emulator.pay(sessionId);
		const order = await adminJson<AdminOrder & { transitions: Transition[] }>(
			`/orders/${orderId}/sync`,
			{ method: "POST" },
		);
		expect(order).toMatchObject({ id: orderId, status: "paid", amount: 1800 });
		expect(order.stripePaymentIntentId).toMatch(/^pi_/);
		expect(order.transitions.at(-1)).toMatchObject({
			from: "pending",
			to: "paid",
			source: "admin",
		});
	});

	it("syncs even when the success page has just asked Stripe (no throttle for operators)", async () => {
		const { orderId, sessionId } = await checkout([{ productId: "travel-mug", quantity: 2 }]);
		const page = await exports.default.fetch(
			`https://shop.test/api/orders/by-session/${sessionId}`,
		);
		expect((await page.json<{ status: string }>()).status).toBe("pending");
		await emulator.pay(sessionId);
		const order = await adminJson<AdminOrder>(`/orders/${orderId}/sync`, { method: "POST" });
		expect(order.status).toBe("paid");
	});

	it("changes nothing when Stripe has nothing new", async () => {
		const { orderId } = await checkout([{ productId: "travel-mug", quantity: 3 }]);
		const order = await adminJson<AdminOrder & { transitions: Transition[] }>(
			`/orders/${orderId}/sync`,
			{ method: "POST" },
		);
		expect(order.status).toBe("pending");
		expect(order.transitions).toHaveLength(1);
	});

	it("answers 404 order_not_found for an unknown order", async () => {
		await expectError(
			await admin(`/orders/${crypto.randomUUID()}/sync`, { method: "POST" }),
			404,
			"order_not_found",
		);
	});

	it("answers 409 no_session for an order whose Checkout Session was never created", async () => {
		const order = await insertOrder({ status: "canceled", stripeCheckoutSessionId: null });
		await expectError(
			await admin(`/orders/${order.id}/sync`, { method: "POST" }),
			409,
			"no_session",
		);
	});

	it("answers 502 stripe_unavailable when Stripe fails, leaving the order as it was", async () => {
		const { orderId, sessionId } = await checkout([{ productId: "pour-over-kit", quantity: 1 }]);
		await emulator.pay(sessionId);
		await emulator.addFault({
			match: `GET /v1/checkout/sessions/${sessionId}`,
			status: 500,
			count: 2,
		});
		await expectError(
			await admin(`/orders/${orderId}/sync`, { method: "POST" }),
			502,
			"stripe_unavailable",
		);
		expect((await transitionsOf(orderId)).map((t) => t.toStatus)).toEqual(["pending"]);
	});

	it("answers 409 stripe_rejected when Stripe does not know the session", async () => {
		const order = await insertOrder({ stripeCheckoutSessionId: uniqueId("cs") });
		const res = await admin(`/orders/${order.id}/sync`, { method: "POST" });
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({
			error: { code: "stripe_rejected", message: expect.stringContaining("No such") },
		});
	});
});

describe("GET /admin/webhook-events", () => {
	/** A refund event Stripe sends for a PaymentIntent we cannot look up right now: processing fails. */
	async function failedDelivery() {
		const paymentIntentId = uniqueId("pi");
		await emulator.addFault({
			match: `/v1/payment_intents/${paymentIntentId}`,
			status: 500,
			count: 2,
		});
		const event = stripeEvent(
			"charge.refunded",
			charge({ payment_intent: paymentIntentId, amount_refunded: 4800, refunded: true }),
		);
		expect((await deliver(event)).status).toBe(500);
		return event;
	}

	it("lists failed events first, with their error, then the others newest first", async () => {
		const failed = await failedDelivery();
		const order = await insertOrder();
		const processed = stripeEvent(
			"checkout.session.completed",
			completedSession({ orderId: order.id, amount_total: 4800 }),
		);
		expect((await deliver(processed)).status).toBe(200);

		const { events } = await adminJson<{ events: LedgerEvent[] }>("/webhook-events");
		const ids = events.map((e) => e.id);
		expect(ids).toContain(failed.id);
		expect(ids).toContain(processed.id);
		const firstOther = events.findIndex((e) => e.result !== "failed");
		const lastFailed = events.findLastIndex((e) => e.result === "failed");
		expect(lastFailed).toBeLessThan(firstOther === -1 ? Number.POSITIVE_INFINITY : firstOther);
		expect(events.find((e) => e.id === failed.id)).toEqual({
			id: failed.id,
			type: "charge.refunded",
			result: "failed",
			error: expect.stringMatching(/\S/),
			orderId: null,
			receivedAt: expect.any(String),
			processedAt: null,
			attempts: expect.any(Number),
		});
		expect(events.find((e) => e.id === processed.id)).toMatchObject({
			type: "checkout.session.completed",
			result: "processed",
			error: null,
			orderId: order.id,
		});
		const others = events.filter((e) => e.result !== "failed").map((e) => e.receivedAt);
		expect(others).toEqual([...others].sort().reverse());
	});

	it("filters by result", async () => {
		const failed = await failedDelivery();
		const { events } = await adminJson<{ events: LedgerEvent[] }>("/webhook-events?result=failed");
		expect(events.length).toBeGreaterThan(0);
		expect(events.every((e) => e.result === "failed")).toBe(true);
		expect(events.map((e) => e.id)).toContain(failed.id);
	});

	it("answers 400 invalid_request for an unknown result", async () => {
		await expectError(await admin("/webhook-events?result=lost"), 400, "invalid_request");
	});
});

describe("GET /admin/alerts", () => {
	/** A payment of another amount than the order's raises an `amount_mismatch` alert. */
	async function mismatch() {
		const order = await insertOrder();
		const event = stripeEvent(
			"checkout.session.completed",
			completedSession({
				orderId: order.id,
				id: order.stripeCheckoutSessionId ?? undefined,
				amount_subtotal: 100,
				amount_total: 100,
			}) as Stripe.Checkout.Session,
		);
		expect((await deliver(event)).status).toBe(200);
		return order;
	}

	it("lists alerts newest first", async () => {
		const first = await mismatch();
		const second = await mismatch();
		const { alerts } = await adminJson<{ alerts: AlertView[] }>("/alerts");
		const orderIds = alerts.map((a) => a.orderId);
		expect(orderIds.indexOf(second.id)).toBeGreaterThanOrEqual(0);
		expect(orderIds.indexOf(second.id)).toBeLessThan(orderIds.indexOf(first.id));
		expect(alerts.find((a) => a.orderId === first.id)).toEqual({
			id: expect.any(Number),
			kind: "amount_mismatch",
			orderId: first.id,
			message: expect.stringContaining(first.id),
			createdAt: expect.any(String),
		});
		const times = alerts.map((a) => a.createdAt);
		expect(times).toEqual([...times].sort().reverse());
	});

	it("answers an empty list rather than an error when there is nothing to report", async () => {
		await env.DB.prepare("delete from alerts").run();
		const res = await admin("/alerts");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ alerts: [] });
	});
});

describe("admin answers", () => {
	it("are never cached", async () => {
		const ok = await admin("/alerts");
		expect(ok.headers.get("cache-control")).toBe("no-store");
		const notFound = await admin(`/orders/${crypto.randomUUID()}`);
		expect(notFound.status).toBe(404);
		expect(notFound.headers.get("cache-control")).toBe("no-store");
	});
});

describe("GET /admin/orders/:id actions (SPEC 5)", () => {
	it("carries what the operator may do now, as the console shows it", async () => {
		const paid = await insertOrder({ status: "paid", amount: 4800, amountRefunded: 1800 });
		const detail = await adminJson<{ actions: unknown }>(`/orders/${paid.id}`);
		expect(detail.actions).toEqual({
			refund: { max: 3000 },
			refundRefused: null,
			fulfill: true,
			heldPayment: false,
			sync: true,
			resume: false,
		});
		const refunded = await insertOrder({ status: "refunded", amountRefunded: 4800 });
		expect((await adminJson<{ actions: unknown }>(`/orders/${refunded.id}`)).actions).toMatchObject(
			{ refund: null, refundRefused: "fully_refunded", fulfill: false },
		);
		// The list carries the same.
		const list = await adminJson<{ orders: { id: string; actions: unknown }[] }>(
			`/orders?q=${paid.id}`,
		);
		expect(list.orders.find((o) => o.id === paid.id)?.actions).toEqual(detail.actions);
	});
});
