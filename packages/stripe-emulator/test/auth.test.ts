import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, stripeClient, type TestEmulator } from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterAll(() => test.close());

async function getWith(authorization: string | null) {
	const response = await fetch(`${test.emulator.url}/v1/events`, {
		headers: authorization ? { authorization } : {},
	});
	return {
		status: response.status,
		body: (await response.json()) as { error: { type: string; message: string } },
	};
}

describe("API keys", () => {
	it("answers 401 without an Authorization header", async () => {
		const answer = await getWith(null);
		expect(answer.status).toBe(401);
		expect(answer.body.error.type).toBe("invalid_request_error");
		expect(answer.body.error.message).toMatch(/You did not provide an API key/);
	});

	it("refuses live keys", async () => {
		const error = await stripeError(
			stripeClient(test.emulator, { maxNetworkRetries: 0 }, "sk_live_123").events.list(),
		);
		expect(error.statusCode).toBe(401);
		expect(error.type).toBe("StripeAuthenticationError");
	});

	it("refuses a malformed key without echoing it whole", async () => {
		const answer = await getWith("Bearer not-a-stripe-key-at-all");
		expect(answer.status).toBe(401);
		expect(answer.body.error.message).not.toContain("not-a-stripe-key-at-all");
	});

	it("accepts restricted test keys and Basic auth as curl -u sends it", async () => {
		expect((await getWith("Bearer rk_test_abc")).status).toBe(200);
		expect((await getWith(`Basic ${Buffer.from("sk_test_abc:").toString("base64")}`)).status).toBe(
			200,
		);
	});

	it("records requests without the Authorization header value", async () => {
		await getWith("Bearer sk_test_secretvalue");
		const log = await test.control<{ data: Record<string, unknown>[] }>(
			"GET",
			"/_emulator/requests?path=/v1/events",
		);
		expect(log.body.data.length).toBeGreaterThan(0);
		expect(JSON.stringify(log.body)).not.toContain("sk_test_secretvalue");
		expect(log.body.data.at(-1)).toMatchObject({ method: "GET", path: "/v1/events", status: 200 });
	});
});
