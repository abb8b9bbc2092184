import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterAll(() => test.close());

const auth = { authorization: "Bearer sk_test_routing" };

async function call(path: string, init: RequestInit = {}) {
	const response = await fetch(`${test.emulator.url}${path}`, init);
	return {
		status: response.status,
		requestId: response.headers.get("request-id"),
		body: (await response.json()) as { error?: { type: string; message: string; param?: string } },
	};
}

describe("routing", () => {
	it("answers the browser's icon request (the hosted page's tab) with nothing rather than a 404", async () => {
		expect((await fetch(`${test.emulator.url}/favicon.ico`)).status).toBe(204);
	});

	it("answers an unknown /v1 URL as Stripe does, after authenticating", async () => {
		const answer = await call("/v1/terminal/readers", { headers: auth });
		expect(answer.status).toBe(404);
		expect(answer.body.error?.message).toMatch(
			/^Unrecognized request URL \(GET: \/v1\/terminal\/readers\)/,
		);
		expect(answer.requestId).toMatch(/^req_/);
		expect((await call("/v1/terminal/readers")).status).toBe(401);
	});

	it("answers a known path with the wrong method as unrecognized", async () => {
		const answer = await call("/v1/refunds/re_123", { method: "DELETE", headers: auth });
		expect(answer.status).toBe(404);
		expect(answer.body.error?.message).toMatch(/Unrecognized request URL \(DELETE:/);
	});

	it("hands the endpoint its decoded path parameter", async () => {
		const answer = await call(`/v1/checkout/sessions/${encodeURIComponent("cs_test_a b")}`, {
			headers: auth,
		});
		expect(answer.status).toBe(404);
		expect(answer.body.error?.message).toContain("'cs_test_a b'");
	});

	it("answers an unknown control endpoint with 404", async () => {
		const answer = await call("/_emulator/nothing-here", { method: "POST" });
		expect(answer.status).toBe(404);
		expect(answer.body.error?.message).toBe("No control endpoint POST /_emulator/nothing-here.");
	});
});
