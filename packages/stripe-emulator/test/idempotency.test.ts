import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionParams, startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterAll(() => test.close());

async function rawPost(path: string, body: string, key: string) {
	const response = await fetch(`${test.emulator.url}${path}`, {
		method: "POST",
		headers: {
			authorization: "Bearer sk_test_emulator",
			"content-type": "application/x-www-form-urlencoded",
			"idempotency-key": key,
		},
		body,
	});
	return { status: response.status, headers: response.headers, body: await response.text() };
}

describe("Idempotency-Key", () => {
	it("replays the first answer for the same key and params, without a second session", async () => {
		const params = sessionParams();
		const key = `order-${params.client_reference_id}`;
		const first = await test.stripe.checkout.sessions.create(params, { idempotencyKey: key });
		const second = await test.stripe.checkout.sessions.create(params, { idempotencyKey: key });
		expect(second.id).toBe(first.id);
		expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
		const list = await test.stripe.checkout.sessions.list({ limit: 100 });
		expect(
			list.data.filter((session) => session.client_reference_id === params.client_reference_id),
		).toHaveLength(1);
	});

	it("replays status and body byte for byte", async () => {
		const body = "mode=payment";
		const first = await rawPost("/v1/checkout/sessions/cs_test_missing/expire", body, "replay-404");
		const second = await rawPost(
			"/v1/checkout/sessions/cs_test_missing/expire",
			body,
			"replay-404",
		);
		expect(first.status).toBe(404);
		expect(second.status).toBe(404);
		expect(second.body).toBe(first.body);
		expect(second.headers.get("idempotent-replayed")).toBe("true");
		expect(first.headers.get("idempotent-replayed")).toBeNull();
	});

	it("refuses the same key with different params with an idempotency_error", async () => {
		const params = sessionParams();
		await test.stripe.checkout.sessions.create(params, { idempotencyKey: "reused-key" });
		const error = await stripeError(
			test.stripe.checkout.sessions.create(
				{ ...params, client_reference_id: "other" },
				{ idempotencyKey: "reused-key" },
			),
		);
		expect(error.statusCode).toBe(400);
		expect(error.type).toBe("StripeIdempotencyError");
		expect(error.message).toMatch(
			/^Keys for idempotent requests can only be used with the same parameters/,
		);
	});

	it("refuses the same key on another endpoint", async () => {
		await test.stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: "endpoint-key" });
		const error = await stripeError(
			test.stripe.refunds.create({ payment_intent: "pi_x" }, { idempotencyKey: "endpoint-key" }),
		);
		expect(error.type).toBe("StripeIdempotencyError");
	});

	it("keeps nothing for a request that failed validation, so a corrected retry runs", async () => {
		const bad = await rawPost("/v1/checkout/sessions", "mode=payment", "fix-and-retry");
		expect(bad.status).toBe(400);
		const again = await rawPost("/v1/checkout/sessions", "mode=payment", "fix-and-retry");
		expect(again.headers.get("idempotent-replayed")).toBeNull();
	});
});
