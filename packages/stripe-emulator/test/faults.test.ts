import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
	sessionParams,
	startTestEmulator,
	stripeClient,
	type TestEmulator,
} from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterEach(() => test.control("DELETE", "/_emulator/faults"));
afterAll(() => test.close());

describe("injected faults", () => {
	it("fails the next matching request with the given status as a Stripe api_error", async () => {
		await test.control("POST", "/_emulator/faults", {
			match: "POST /v1/checkout/sessions",
			status: 503,
		});
		const error = await stripeError(test.stripe.checkout.sessions.create(sessionParams()));
		expect(error.statusCode).toBe(503);
		expect(error.type).toBe("StripeAPIError");
		const next = await test.stripe.checkout.sessions.create(sessionParams());
		expect(next.status).toBe("open");
	});

	it("targets one order by matching the raw body, leaving other requests alone", async () => {
		const mine = sessionParams();
		await test.control("POST", "/_emulator/faults", {
			match: mine.client_reference_id,
			status: 500,
			count: 2,
		});
		const other = await test.stripe.checkout.sessions.create(sessionParams());
		expect(other.status).toBe("open");
		expect((await stripeError(test.stripe.checkout.sessions.create(mine))).statusCode).toBe(500);
		expect((await stripeError(test.stripe.checkout.sessions.create(mine))).statusCode).toBe(500);
		expect((await test.stripe.checkout.sessions.create(mine)).status).toBe("open");
	});

	it("lets stripe-node's own retry (same idempotency key) succeed after a 500", async () => {
		const retrying = stripeClient(test.emulator, { maxNetworkRetries: 1 });
		const params = sessionParams();
		await test.control("POST", "/_emulator/faults", {
			match: params.client_reference_id,
			status: 500,
		});
		const session = await retrying.checkout.sessions.create(params);
		expect(session.status).toBe("open");
		const log = await test.control<{
			data: { status: number; idempotencyKey: string; params: object }[];
		}>("GET", "/_emulator/requests?path=/v1/checkout/sessions&method=POST");
		const attempts = log.body.data.filter((entry) =>
			JSON.stringify(entry.params).includes(String(params.client_reference_id)),
		);
		expect(attempts.map((entry) => entry.status)).toEqual([500, 200]);
		expect(attempts[0]?.idempotencyKey).toBe(attempts[1]?.idempotencyKey);
	});

	it("can lose the answer after the request ran, so the retry is an idempotent replay", async () => {
		const params = sessionParams();
		await test.control("POST", "/_emulator/faults", {
			match: params.client_reference_id,
			status: 502,
			phase: "after",
		});
		const lost = await stripeError(
			test.stripe.checkout.sessions.create(params, { idempotencyKey: "lost-answer" }),
		);
		expect(lost.statusCode).toBe(502);
		const retried = await test.stripe.checkout.sessions.create(params, {
			idempotencyKey: "lost-answer",
		});
		expect(retried.lastResponse.headers["idempotent-replayed"]).toBe("true");
		const sessions = await test.stripe.checkout.sessions.list({ limit: 100 });
		expect(
			sessions.data.filter((session) => session.client_reference_id === params.client_reference_id),
		).toHaveLength(1);
	});

	it("delays a request without failing it when no status is given", async () => {
		await test.control("POST", "/_emulator/faults", { match: "GET /v1/events", delayMs: 150 });
		const started = performance.now();
		await test.stripe.events.list();
		expect(performance.now() - started).toBeGreaterThanOrEqual(140);
	});

	it("holds each fault's requests until that fault is released, leaving another's held", async () => {
		const mine = sessionParams();
		const theirs = sessionParams();
		const hold = async (match: string | undefined) =>
			(
				await test.control<{ fault: { id: number } }>("POST", "/_emulator/faults", {
					match,
					hold: true,
				})
			).body.fault.id;
		const myFault = await hold(mine.client_reference_id);
		const theirFault = await hold(theirs.client_reference_id);
		const myAnswer = test.stripe.checkout.sessions.create(mine);
		const theirAnswer = test.stripe.checkout.sessions.create(theirs);
		const held = async (id: number) =>
			(await test.control<{ held: number }>("GET", `/_emulator/faults?id=${id}`)).body.held;
		for (let i = 0; i < 200 && ((await held(myFault)) < 1 || (await held(theirFault)) < 1); i++)
			await new Promise((resolve) => setTimeout(resolve, 5));
		expect([await held(myFault), await held(theirFault)]).toEqual([1, 1]);
		const released = await test.control("POST", "/_emulator/faults/release", { id: myFault });
		expect(released.body).toEqual({ released: 1 });
		expect((await myAnswer).status).toBe("open");
		expect(await held(theirFault)).toBe(1);
		await test.control("POST", "/_emulator/faults/release", { id: theirFault });
		expect((await theirAnswer).status).toBe("open");
	});

	it("clears all faults on DELETE", async () => {
		await test.control("POST", "/_emulator/faults", { status: 500, count: 10 });
		await test.control("DELETE", "/_emulator/faults");
		expect((await test.stripe.events.list()).object).toBe("list");
	});
});
