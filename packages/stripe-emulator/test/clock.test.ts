import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
	eventTypesFor,
	sessionParams,
	startTestEmulator,
	type TestEmulator,
} from "./helpers/emulator.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
beforeEach(() => test.control("POST", "/_emulator/reset"));
afterAll(() => test.close());

describe("the emulator clock", () => {
	it("expires sessions whose expires_at has passed when the clock advances", async () => {
		const soon = await test.stripe.checkout.sessions.create(
			sessionParams({ expires_at: Math.floor(Date.now() / 1000) + 1800 }),
		);
		const later = await test.stripe.checkout.sessions.create(
			sessionParams({ expires_at: undefined }),
		);
		const advanced = await test.control<{ expired: string[] }>("POST", "/_emulator/clock/advance", {
			seconds: 3600,
		});
		expect(advanced.body.expired).toEqual([soon.id]);
		expect((await test.stripe.checkout.sessions.retrieve(soon.id)).status).toBe("expired");
		expect((await test.stripe.checkout.sessions.retrieve(later.id)).status).toBe("open");
		expect(await eventTypesFor(test, soon.id)).toEqual(["checkout.session.expired"]);
	});

	it("stamps new objects with the advanced time", async () => {
		await test.control("POST", "/_emulator/clock/advance", { seconds: 600 });
		const session = await test.stripe.checkout.sessions.create(
			sessionParams({ expires_at: undefined }),
		);
		expect(session.created - Math.floor(Date.now() / 1000)).toBeGreaterThanOrEqual(599);
	});

	it("never expires a completed session", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		await test.control("POST", `/_emulator/sessions/${session.id}/pay`);
		await test.control("POST", "/_emulator/clock/advance", { seconds: 2 * 86400 });
		expect((await test.stripe.checkout.sessions.retrieve(session.id)).status).toBe("complete");
	});

	it("forgets everything, the clock offset included, on reset", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		await test.control("POST", "/_emulator/clock/advance", { seconds: 100 });
		await test.control("POST", "/_emulator/reset");
		const clock = await test.control<{ offsetSeconds: number }>("GET", "/_emulator/clock");
		expect(clock.body.offsetSeconds).toBe(0);
		const answer = await fetch(`${test.emulator.url}/v1/checkout/sessions/${session.id}`, {
			headers: { authorization: "Bearer sk_test_x" },
		});
		expect(answer.status).toBe(404);
	});

	it("expires through the control API at once", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const answer = await test.control<{ session: { status: string } }>(
			"POST",
			`/_emulator/sessions/${session.id}/expire`,
		);
		expect(answer.body.session.status).toBe("expired");
		expect(await eventTypesFor(test, session.id)).toEqual(["checkout.session.expired"]);
	});
});
