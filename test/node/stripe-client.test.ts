/**
 * The worker's Stripe client (src/lib/stripe.ts): Stripe's form encoding, and
 * the retry rule it keeps from stripe-node (one retry after a lost connection,
 * a 409 or a 5xx, never after a refusal, always under the same idempotency key).
 * The form is read back with qs, as the emulator (and Stripe) read it.
 */
import qs from "qs";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
	createStripe,
	formEncode,
	isStripeRequestError,
	StripeApiError,
	StripeConnectionError,
} from "../../src/lib/stripe.ts";

afterEach(() => vi.unstubAllGlobals());

const client = () =>
	createStripe({
		secretKey: "sk_test_123",
		apiBase: new URL("http://stripe.test:12111"),
		testMode: true,
	});

/** fetch answering each call with the next of `answers` (an Error is a lost connection). */
function stubFetch(answers: (Response | Error)[]) {
	const calls: Request[] = [];
	vi.stubGlobal(
		"fetch",
		vi.fn(async (input: string, init: RequestInit) => {
			calls.push(new Request(input, init));
			const answer = answers.shift();
			if (!answer) throw new Error("no more answers");
			if (answer instanceof Error) throw answer;
			return answer;
		}),
	);
	return calls;
}

const stripeError = (status: number, error: object, headers: Record<string, string> = {}) =>
	Response.json({ error }, { status, headers });

describe("Stripe's form encoding", () => {
	it("writes nested objects and arrays as stripe-node does, and qs reads them back", () => {
		const params = {
			mode: "payment",
			line_items: [{ quantity: 2, price_data: { unit_amount: 900, currency: "usd" } }],
			expand: ["payment_intent.latest_charge"],
			metadata: { order_id: "a b&c=é" },
			allow_promotion_codes: true,
			customer_email: undefined,
			description: null,
		};
		const body = formEncode(params);
		expect(body).toContain("line_items[0][price_data][unit_amount]=900");
		expect(body).toContain("expand[0]=payment_intent.latest_charge");
		expect(body).toContain("allow_promotion_codes=true");
		expect(body).toMatch(/(^|&)description=(&|$)/);
		expect(body).not.toContain("customer_email");
		const { customer_email: _, ...sent } = params;
		expect(qs.parse(body)).toEqual({
			...sent,
			line_items: [{ quantity: "2", price_data: { unit_amount: "900", currency: "usd" } }],
			allow_promotion_codes: "true",
			description: "",
		});
	});
});

describe("a call to Stripe", () => {
	it("sends the key, the pinned version and the idempotency key; GET parameters go in the query", async () => {
		const calls = stubFetch([
			Response.json({ id: "re_1", object: "refund" }, { headers: { "request-id": "req_1" } }),
			Response.json({ id: "cs_1", object: "checkout.session" }),
		]);
		const refund = await client().refunds.create(
			{ payment_intent: "pi_1", amount: 500 },
			{ idempotencyKey: "key-1" },
		);
		expect(refund.id).toBe("re_1");
		expect(refund.lastResponse.requestId).toBe("req_1");
		// What Stripe said about the call is not part of the object (as stripe-node's).
		expect(JSON.stringify(refund)).toBe('{"id":"re_1","object":"refund"}');
		const post = calls[0] as Request;
		expect(post.url).toBe("http://stripe.test:12111/v1/refunds");
		expect(post.headers.get("authorization")).toBe("Bearer sk_test_123");
		expect(post.headers.get("stripe-version")).toBe("2026-10-28.endive");
		expect(post.headers.get("idempotency-key")).toBe("key-1");
		expect(await post.text()).toBe("payment_intent=pi_1&amount=500");

		await client().checkout.sessions.retrieve("cs_1", { expand: ["payment_intent"] });
		expect(calls[1]?.url).toBe(
			"http://stripe.test:12111/v1/checkout/sessions/cs_1?expand[0]=payment_intent",
		);
		expect(calls[1]?.method).toBe("GET");
	});

	it("is retried once after a lost connection or a 5xx, under the same idempotency key", async () => {
		const calls = stubFetch([new TypeError("connection reset"), Response.json({ id: "re_2" })]);
		expect((await client().refunds.create({ payment_intent: "pi_1" })).id).toBe("re_2");
		expect(calls).toHaveLength(2);
		const keys = calls.map((c) => c.headers.get("idempotency-key"));
		expect(keys[0]).toMatch(/^retry-/);
		expect(keys[1]).toBe(keys[0]);

		const failing = stubFetch([
			stripeError(500, { type: "api_error", message: "boom" }),
			stripeError(500, { type: "api_error", message: "boom again" }),
		]);
		const err = await client()
			.paymentIntents.retrieve("pi_1")
			.catch((e: unknown) => e);
		expect(failing).toHaveLength(2);
		expect(err).toBeInstanceOf(StripeApiError);
		expect(err).toMatchObject({ statusCode: 500, message: "boom again" });
		expect(isStripeRequestError(err)).toBe(false);

		stubFetch([new TypeError("down"), new TypeError("still down")]);
		await expect(client().events.retrieve("evt_1")).rejects.toBeInstanceOf(StripeConnectionError);
	});

	it("is not retried when Stripe refused it, or said not to", async () => {
		const calls = stubFetch([
			stripeError(400, {
				type: "invalid_request_error",
				code: "charge_already_refunded",
				message: "Charge ch_1 has already been refunded.",
			}),
		]);
		const err = await client()
			.refunds.create({ payment_intent: "pi_1" })
			.catch((e: unknown) => e);
		expect(calls).toHaveLength(1);
		expect(err).toMatchObject({
			statusCode: 400,
			type: "invalid_request_error",
			code: "charge_already_refunded",
		});
		expect(isStripeRequestError(err)).toBe(true);

		const advised = stubFetch([
			stripeError(503, { type: "api_error" }, { "stripe-should-retry": "false" }),
		]);
		await expect(client().checkout.sessions.list({ limit: 1 })).rejects.toMatchObject({
			statusCode: 503,
		});
		expect(advised).toHaveLength(1);
	});
});
