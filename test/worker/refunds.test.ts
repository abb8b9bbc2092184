import { exports } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { orders } from "../../src/db/schema.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { db, dbq, getOrder, insertOrder, ledgerRow, transitionsOf } from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";
import { paidOrder } from "./helpers/paid-order.ts";
import { deliver } from "./helpers/webhooks.ts";

type RefundAnswer = { refundId: string; amount: number; status: string };

function refund(
	orderId: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<Response> {
	return exports.default.fetch(`https://shop.test/admin/orders/${orderId}/refund`, {
		method: "POST",
		headers: {
			authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
			...(body !== undefined && { "content-type": "application/json" }),
			...headers,
		},
		body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
	});
}

async function refundOk(orderId: string, body?: unknown, headers?: Record<string, string>) {
	const res = await refund(orderId, body, headers);
	expect(res.status, await res.clone().text()).toBe(200);
	return res.json<RefundAnswer>();
}

async function expectError(
	res: Response,
	status: number,
	code: string,
	message: unknown = expect.any(String),
) {
	expect(res.status).toBe(status);
	expect(await res.json()).toMatchObject({ error: { code, message } });
}

/** The refund creations the emulator received for one PaymentIntent. */
async function refundPosts(paymentIntentId: string) {
	const all = await emulator.requests("/v1/refunds");
	return all.filter((r) => r.method === "POST" && r.params.payment_intent === paymentIntentId);
}

/** The refunds that exist at Stripe for one PaymentIntent. */
async function refundsAtStripe(paymentIntentId: string): Promise<Stripe.Refund[]> {
	const list = await stripe().refunds.list({ payment_intent: paymentIntentId, limit: 100 });
	return list.data;
}

async function refundEvents(orderId: string): Promise<Stripe.Event[]> {
	return emulator.events({ orderId, type: "charge.refunded" });
}

/** The refund requests recorded for an order, oldest first. */
const requestsOf = (orderId: string) =>
	dbq.query.refundRequests.findMany({
		where: (r, { eq }) => eq(r.orderId, orderId),
		orderBy: (r, { asc }) => [asc(r.createdAt), sql`rowid`],
	});

const statuses = async (orderId: string) =>
	(await transitionsOf(orderId)).map((t) => `${t.fromStatus}→${t.toStatus}:${t.source}`);

describe("POST /admin/orders/:id/refund", () => {
	it("refunds the rest by default: one refund at Stripe, and the order is refunded at once", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		const answer = await refundOk(orderId);
		expect(answer).toEqual({
			refundId: expect.stringMatching(/^re_/),
			amount: 4800,
			status: "succeeded",
		});

		const posts = await refundPosts(paymentIntentId);
		expect(posts).toHaveLength(1);
		expect(posts[0]?.params).toMatchObject({
			payment_intent: paymentIntentId,
			amount: "4800",
			metadata: { order_id: orderId },
		});
		// Stripe's key is the request written down before Stripe was asked, never the order's state.
		const [request] = await requestsOf(orderId);
		expect(request).toMatchObject({ requested: null, amount: 4800, refundId: answer.refundId });
		expect(request?.answeredAt).not.toBeNull();
		expect(posts[0]?.idempotencyKey).toBe(`refund-request-${request?.id}`);
		expect(posts[0]?.params.metadata).toMatchObject({ refund_request: request?.id });
		expect(await getOrder(orderId)).toMatchObject({ status: "refunded", amountRefunded: 4800 });
		expect(await statuses(orderId)).toEqual([
			"null→pending:checkout",
			"pending→paid:webhook",
			"paid→refunded:admin",
		]);
	});

	it("refunds an empty JSON object the same way", async () => {
		const { orderId } = await paidOrder();
		expect((await refundOk(orderId, {})).amount).toBe(4800);
	});

	it("records a partial refund as an amount without leaving paid, then refunds the rest", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		const first = await refundOk(orderId, { amount: 1000 });
		expect(first).toMatchObject({ amount: 1000, status: "succeeded" });
		expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 1000 });
		expect(await statuses(orderId)).toHaveLength(2);

		const second = await refundOk(orderId, { amount: 1000 });
		expect(second.refundId).not.toBe(first.refundId);
		expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 2000 });

		const rest = await refundOk(orderId);
		expect(rest.amount).toBe(2800);
		expect(await getOrder(orderId)).toMatchObject({ status: "refunded", amountRefunded: 4800 });

		const posts = await refundPosts(paymentIntentId);
		expect(posts.map((p) => p.params.amount)).toEqual(["1000", "1000", "2800"]);
		// Three requests, three keys: each names its own request.
		const requests = await requestsOf(orderId);
		expect(requests.map((r) => [r.requested, r.amount])).toEqual([
			[1000, 1000],
			[1000, 1000],
			[null, 2800],
		]);
		expect(posts.map((p) => p.idempotencyKey)).toEqual(
			requests.map((r) => `refund-request-${r.id}`),
		);
		expect(await refundsAtStripe(paymentIntentId)).toHaveLength(3);
	});

	it("makes one refund at Stripe for a double click, and answers both clicks with it", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		const [a, b] = await Promise.all([
			refundOk(orderId, { amount: 1500 }),
			refundOk(orderId, { amount: 1500 }),
		]);
		expect(b).toEqual(a);
		expect(await refundsAtStripe(paymentIntentId)).toHaveLength(1);
		expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 1500 });
	});

	it("answers ten concurrent identical refunds with the one refund Stripe made, never 409", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		// The first refund reaches Stripe and waits there until every request has been sent.
		const { fault } = await emulator.addFault({
			match: `payment_intent=${paymentIntentId}`,
			hold: true,
		});
		const all = Promise.all(Array.from({ length: 10 }, () => refund(orderId, { amount: 1000 })));
		for (let i = 0; i < 500 && (await refundPosts(paymentIntentId)).length < 10; i++)
			await new Promise((resolve) => setTimeout(resolve, 10));
		expect((await refundPosts(paymentIntentId)).length).toBeGreaterThanOrEqual(10);
		await emulator.releaseFaults(fault.id);
		const answers = await all;
		expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
		const bodies = await Promise.all(answers.map((r) => r.json<RefundAnswer>()));
		expect(new Set(bodies.map((b) => b.refundId)).size).toBe(1);
		expect(await refundsAtStripe(paymentIntentId)).toHaveLength(1);
		expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 1000 });
	});

	it("replays the same answer for a repeated Idempotency-Key without asking Stripe again", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		const key = { "idempotency-key": `refund-${crypto.randomUUID()}` };
		const first = await refundOk(orderId, { amount: 700 }, key);
		const again = await refundOk(orderId, { amount: 700 }, key);
		expect(again).toEqual(first);
		expect(await refundPosts(paymentIntentId)).toHaveLength(1);
		expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 700 });
		await expectError(await refund(orderId, { amount: 800 }, key), 422, "idempotency_key_reused");
	});

	it("refuses an order that is not paid with 409 order_not_paid, without asking Stripe", async () => {
		for (const status of ["pending", "processing", "failed", "expired", "canceled"] as const) {
			const paymentIntentId = `pi_unpaid_${crypto.randomUUID()}`;
			const order = await insertOrder({ status, stripePaymentIntentId: paymentIntentId });
			await expectError(
				await refund(order.id, { amount: 100 }),
				409,
				"order_not_paid",
				`Only paid or fulfilled orders can be refunded; this one is ${status}.`,
			);
			expect(await refundPosts(paymentIntentId)).toEqual([]);
		}
	});

	it("refuses a refunded order, and a paid one with nothing left, with 409 order_not_paid", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		await refundOk(orderId);
		// The operator reads why: it is fully refunded, not "not paid".
		const fully = "Fully refunded: nothing is left to refund on this order.";
		await expectError(await refund(orderId), 409, "order_not_paid", fully);
		const drained = await insertOrder({ status: "paid", amountRefunded: 4800 });
		await expectError(await refund(drained.id), 409, "order_not_paid", fully);
		expect(await refundPosts(paymentIntentId)).toHaveLength(1);
	});

	it("says nothing was charged, not 'fully refunded', for a paid order a 100 % discount covered", async () => {
		const free = await insertOrder({
			status: "paid",
			amount: 0,
			subtotal: 4800,
			amountDiscount: 4800,
		});
		await expectError(
			await refund(free.id),
			409,
			"order_not_paid",
			"Nothing was charged for this order (its discount covered it all): there is nothing to refund.",
		);
	});

	it("refuses to refund more than is left with 400 invalid_amount", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		await expectError(await refund(orderId, { amount: 4801 }), 400, "invalid_amount");
		await refundOk(orderId, { amount: 4000 });
		await expectError(await refund(orderId, { amount: 801 }), 400, "invalid_amount");
		expect(await refundPosts(paymentIntentId)).toHaveLength(1);
		expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 4000 });
	});

	it.each([
		["zero", 0],
		["a negative amount", -100],
		["a fraction", 10.5],
		["a string", "100"],
		["a boolean", true],
		["an unsafe integer", 2 ** 53],
	])("answers 400 invalid_amount for %s", async (_, amount) => {
		const order = await insertOrder({ status: "paid" });
		await expectError(await refund(order.id, { amount }), 400, "invalid_amount");
	});

	it("answers 400 for a body that is not a JSON object, and 415 for another content type", async () => {
		const order = await insertOrder({ status: "paid" });
		await expectError(await refund(order.id, "{amount"), 400, "invalid_json");
		await expectError(await refund(order.id, "[1000]"), 400, "invalid_request");
		await expectError(
			await refund(order.id, "amount=1000", {
				"content-type": "application/x-www-form-urlencoded",
			}),
			415,
			"unsupported_media_type",
		);
	});

	it("answers 404 order_not_found for an unknown order", async () => {
		await expectError(await refund(crypto.randomUUID(), { amount: 100 }), 404, "order_not_found");
	});

	it("finds the PaymentIntent through the session when the order does not know it yet", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		await db.update(orders).set({ stripePaymentIntentId: null }).where(eq(orders.id, orderId));
		expect((await refundOk(orderId, { amount: 500 })).amount).toBe(500);
		expect(await refundPosts(paymentIntentId)).toHaveLength(1);
		expect(await getOrder(orderId)).toMatchObject({
			amountRefunded: 500,
			stripePaymentIntentId: paymentIntentId,
		});
	});

	it("answers 502 stripe_unavailable when Stripe fails, and a retry then refunds once", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		await emulator.addFault({ match: `payment_intent=${paymentIntentId}`, status: 500, count: 2 });
		await expectError(await refund(orderId, { amount: 1200 }), 502, "stripe_unavailable");
		expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 0 });
		expect(await refundsAtStripe(paymentIntentId)).toHaveLength(0);

		await refundOk(orderId, { amount: 1200 });
		expect(await refundsAtStripe(paymentIntentId)).toHaveLength(1);
		expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 1200 });
	});

	it("passes on Stripe's refusal as 409 stripe_rejected (a Dashboard refund we have not heard of)", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		await stripe().refunds.create({ payment_intent: paymentIntentId, amount: 1000 });
		const res = await refund(orderId);
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({
			error: { code: "stripe_rejected", message: expect.stringContaining("greater than") },
		});
		expect(await getOrder(orderId)).toMatchObject({ status: "paid", amountRefunded: 0 });
	});

	it("records the cumulative amount Stripe reports, Dashboard refunds included", async () => {
		const { orderId, paymentIntentId } = await paidOrder();
		await stripe().refunds.create({ payment_intent: paymentIntentId, amount: 1000 });
		await refundOk(orderId, { amount: 3800 });
		expect(await getOrder(orderId)).toMatchObject({ status: "refunded", amountRefunded: 4800 });
	});
});

describe("charge.refunded and the admin refund", () => {
	it.each([
		["a partial refund", 1000, "paid"],
		["a full refund", 4800, "refunded"],
	] as const)("%s: the event after the admin answer changes nothing", async (_, amount, final) => {
		const { orderId } = await paidOrder();
		await refundOk(orderId, { amount });
		const after = await getOrder(orderId);
		const transitions = await statuses(orderId);

		const [event] = await refundEvents(orderId);
		if (!event) throw new Error("the emulator emitted no charge.refunded");
		expect((await deliver(event)).status).toBe(200);
		expect(await getOrder(orderId)).toMatchObject({
			status: final,
			amountRefunded: amount,
			version: after.version,
		});
		expect(await statuses(orderId)).toEqual(transitions);
		expect((await ledgerRow(event.id))?.result).toBe("ignored");
	});

	it.each([
		["a partial refund", 1000, "paid"],
		["a full refund", 4800, "refunded"],
	] as const)(
		"%s: the event before the admin answer leaves the same end state",
		async (_, amount, final) => {
			const { orderId, paymentIntentId } = await paidOrder();
			// Stripe makes the refund and sends its event; its answer to us waits until released.
			const { fault } = await emulator.addFault({
				match: `payment_intent=${paymentIntentId}`,
				phase: "after",
				hold: true,
			});
			const pending = refund(orderId, { amount });
			let event: Stripe.Event | undefined;
			for (let i = 0; i < 100 && !event; i++) {
				[event] = await refundEvents(orderId);
				if (!event) await new Promise((r) => setTimeout(r, 20));
			}
			if (!event) throw new Error("the emulator emitted no charge.refunded");
			expect((await deliver(event)).status).toBe(200);
			expect(await getOrder(orderId)).toMatchObject({ status: final, amountRefunded: amount });

			expect(await emulator.releaseFaults(fault.id)).toEqual({ released: 1 });
			const res = await pending;
			expect(res.status).toBe(200);
			expect(await res.json()).toMatchObject({ amount, status: "succeeded" });
			expect(await getOrder(orderId)).toMatchObject({ status: final, amountRefunded: amount });
			const expected = ["null→pending:checkout", "pending→paid:webhook"];
			if (final === "refunded") expected.push("paid→refunded:webhook");
			expect(await statuses(orderId)).toEqual(expected);
			expect(await refundsAtStripe(paymentIntentId)).toHaveLength(1);
		},
	);
});
