import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sessionParams, startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.ts";

const SECRET = "whsec_emulator_test_secret";
type Delivery = {
	eventId: string;
	attempt: number;
	status: number | null;
	ok: boolean;
	note: string | null;
};

let test: TestEmulator;
let receiver: WebhookReceiver;
beforeAll(async () => {
	receiver = await startWebhookReceiver();
	test = await startTestEmulator({ webhookUrl: receiver.url, webhookSecret: SECRET });
});
beforeEach(async () => {
	await test.control("POST", "/_emulator/reset");
	receiver.clear();
});
afterAll(async () => {
	await test.close();
	await receiver.close();
});

async function expiredSessionEvent(): Promise<string> {
	const session = await test.stripe.checkout.sessions.create(sessionParams());
	await test.stripe.checkout.sessions.expire(session.id);
	const events = await test.stripe.events.list({ type: "checkout.session.expired", limit: 1 });
	return String(events.data[0]?.id);
}

async function deliveries(): Promise<Delivery[]> {
	return (await test.control<{ data: Delivery[] }>("GET", "/_emulator/deliveries")).body.data;
}

async function paidSessionEventTypes(): Promise<string[]> {
	const session = await test.stripe.checkout.sessions.create(sessionParams());
	await test.control("POST", `/_emulator/sessions/${session.id}/pay`);
	const events = await test.control<{ data: Stripe.Event[] }>("GET", "/_emulator/events");
	return events.body.data.map((event) => event.type);
}

describe("webhook delivery", () => {
	it("POSTs every event in emission order, signed so stripe-node verifies it", async () => {
		const types = await paidSessionEventTypes();
		const received = await receiver.waitFor(4);
		expect(received.map((hook) => hook.type)).toEqual(types);
		for (const hook of received) {
			const header = String(hook.headers["stripe-signature"]);
			expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
			const event = await test.stripe.webhooks.constructEventAsync(hook.body, header, SECRET);
			expect(event.id).toBe(hook.eventId);
			expect(hook.headers["content-type"]).toBe("application/json; charset=utf-8");
			expect(hook.headers["user-agent"]).toBe("Stripe/1.0 (+https://stripe.com/docs/webhooks)");
		}
	});

	it("fails verification with another secret", async () => {
		await expiredSessionEvent();
		const [hook] = await receiver.waitFor(1);
		await expect(
			test.stripe.webhooks.constructEventAsync(
				String(hook?.body),
				String(hook?.headers["stripe-signature"]),
				"whsec_other",
			),
		).rejects.toThrow(/signature/i);
	});

	it("retries a 500 with backoff until a 2xx", async () => {
		receiver.respondWith(500, 503);
		const eventId = await expiredSessionEvent();
		await receiver.waitFor(3);
		await test.control("POST", "/_emulator/webhooks/drain");
		const attempts = (await deliveries()).filter((entry) => entry.eventId === eventId);
		expect(attempts.map((entry) => [entry.attempt, entry.status])).toEqual([
			[1, 500],
			[2, 503],
			[3, 200],
		]);
	});

	it("gives up after 5 attempts", async () => {
		receiver.respondWith(500, 500, 500, 500, 500, 500);
		await expiredSessionEvent();
		await receiver.waitFor(5);
		await test.control("POST", "/_emulator/webhooks/drain");
		expect((await deliveries()).map((entry) => entry.attempt)).toEqual([1, 2, 3, 4, 5]);
		expect(receiver.received).toHaveLength(5);
	});

	it("counts down pending_webhooks once delivered", async () => {
		const eventId = await expiredSessionEvent();
		await receiver.waitFor(1);
		await test.control("POST", "/_emulator/webhooks/drain");
		expect((await test.stripe.events.retrieve(eventId)).pending_webhooks).toBe(0);
		const delivered = JSON.parse(receiver.received[0]?.body ?? "{}") as Stripe.Event;
		expect(delivered.pending_webhooks).toBe(1);
	});
});

describe("delivery modes", () => {
	it("drop: delivers nothing, as if the webhook was missed, but keeps the event", async () => {
		await test.control("POST", "/_emulator/webhooks", { mode: "drop" });
		const eventId = await expiredSessionEvent();
		await test.control("POST", "/_emulator/webhooks/drain");
		expect(receiver.received).toHaveLength(0);
		expect((await deliveries()).map((entry) => entry.note)).toEqual(["dropped"]);
		const redelivered = await test.control<{ status: number }>(
			"POST",
			`/_emulator/events/${eventId}/deliver`,
		);
		expect(redelivered.body.status).toBe(200);
		expect(receiver.received.map((hook) => hook.eventId)).toEqual([eventId]);
	});

	it("duplicate: delivers each event twice", async () => {
		await test.control("POST", "/_emulator/webhooks", { mode: "duplicate" });
		const eventId = await expiredSessionEvent();
		await receiver.waitFor(2);
		expect(receiver.received.map((hook) => hook.eventId)).toEqual([eventId, eventId]);
	});

	it("hold: queues events until flushed, then delivers them in order", async () => {
		await test.control("POST", "/_emulator/webhooks", { mode: "hold" });
		const types = await paidSessionEventTypes();
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(receiver.received).toHaveLength(0);
		const flushed = await test.control<{ flushed: number }>("POST", "/_emulator/webhooks/flush");
		expect(flushed.body.flushed).toBe(4);
		expect(receiver.received.map((hook) => hook.type)).toEqual(types);
	});

	it("reverse: flushes the held batch newest first", async () => {
		await test.control("POST", "/_emulator/webhooks", { mode: "reverse" });
		const types = await paidSessionEventTypes();
		await test.control("POST", "/_emulator/webhooks/flush");
		expect(receiver.received.map((hook) => hook.type)).toEqual([...types].reverse());
	});

	it("hold then flush with order=reverse", async () => {
		await test.control("POST", "/_emulator/webhooks", { mode: "hold" });
		const types = await paidSessionEventTypes();
		await test.control("POST", "/_emulator/webhooks/flush", { order: "reverse" });
		expect(receiver.received.map((hook) => hook.type)).toEqual([...types].reverse());
	});

	it("next: the next N events, reversed and twice, then delivery as usual", async () => {
		const armed = await test.control<{ batch: { count: number; order: string } }>(
			"POST",
			"/_emulator/webhooks/next",
			{ count: 4, order: "reverse", duplicate: true },
		);
		expect(armed.body.batch).toMatchObject({ count: 4, remaining: 4, order: "reverse" });
		const types = await paidSessionEventTypes();
		await test.control("POST", "/_emulator/webhooks/drain");
		expect(receiver.received.map((hook) => hook.type)).toEqual(
			[...types].reverse().flatMap((type) => [type, type]),
		);
		receiver.clear();
		await expiredSessionEvent();
		await receiver.waitFor(1);
		expect(receiver.received.map((hook) => hook.type)).toEqual(["checkout.session.expired"]);
	});

	it("next: shuffled (never the emission order), and a batch not yet full is flushed", async () => {
		await test.control("POST", "/_emulator/webhooks/next", { count: 4, order: "shuffle", seed: 7 });
		const types = await paidSessionEventTypes();
		await test.control("POST", "/_emulator/webhooks/drain");
		const shuffled = receiver.received.map((hook) => hook.type);
		expect([...shuffled].sort()).toEqual([...types].sort());
		expect(shuffled).not.toEqual(types);
		receiver.clear();
		await test.control("POST", "/_emulator/webhooks/next", { count: 5, order: "fifo" });
		await expiredSessionEvent();
		expect((await test.control<{ held: number }>("GET", "/_emulator/webhooks")).body.held).toBe(1);
		const flushed = await test.control<{ flushed: number }>("POST", "/_emulator/webhooks/flush");
		expect(flushed.body.flushed).toBe(1);
		expect(receiver.received.map((hook) => hook.type)).toEqual(["checkout.session.expired"]);
		const bad = await test.control("POST", "/_emulator/webhooks/next", { count: 0 });
		expect(bad.status).toBe(400);
	});

	it("waits delayMs before each delivery", async () => {
		await test.control("POST", "/_emulator/webhooks", { delayMs: 100 });
		const started = performance.now();
		await expiredSessionEvent();
		await receiver.waitFor(1);
		expect(performance.now() - started).toBeGreaterThanOrEqual(95);
	});

	it("keeps events queued only when no URL is set", async () => {
		await test.control("POST", "/_emulator/webhooks", { url: null });
		const eventId = await expiredSessionEvent();
		await test.control("POST", "/_emulator/webhooks/drain");
		expect(receiver.received).toHaveLength(0);
		expect((await test.stripe.events.retrieve(eventId)).pending_webhooks).toBe(0);
	});
});

describe("signed payloads for receivers the emulator cannot reach", () => {
	it("returns the exact body and a fresh valid Stripe-Signature", async () => {
		const eventId = await expiredSessionEvent();
		const signed = await test.control<{ payload: string; header: string }>(
			"POST",
			"/_emulator/signed-event",
			{
				eventId,
			},
		);
		const event = await test.stripe.webhooks.constructEventAsync(
			signed.body.payload,
			signed.body.header,
			SECRET,
		);
		expect(event.id).toBe(eventId);
		expect(event.type).toBe("checkout.session.expired");
	});
});

describe("webhook endpoints API", () => {
	it("creates an endpoint with a secret shown once, and delivers to it signed with that secret", async () => {
		const second = await startWebhookReceiver();
		try {
			const endpoint = await test.stripe.webhookEndpoints.create({
				url: second.url,
				enabled_events: ["checkout.session.expired"],
				description: "local worker",
			});
			expect(endpoint.secret).toMatch(/^whsec_/);
			const listed = await test.stripe.webhookEndpoints.list();
			expect(listed.data.map((item) => item.id)).toEqual([endpoint.id]);
			expect(listed.data[0]?.secret).toBeUndefined();

			await paidSessionEventTypes();
			await expiredSessionEvent();
			const [hook] = await second.waitFor(1);
			await test.control("POST", "/_emulator/webhooks/drain");
			expect(second.received.map((item) => item.type)).toEqual(["checkout.session.expired"]);
			const header = String(hook?.headers["stripe-signature"]);
			await test.stripe.webhooks.constructEventAsync(
				String(hook?.body),
				header,
				String(endpoint.secret),
			);

			const disabled = await test.stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
			expect(disabled.status).toBe("disabled");
			const deleted = await test.stripe.webhookEndpoints.del(endpoint.id);
			expect(deleted.deleted).toBe(true);
		} finally {
			await second.close();
		}
	});
});
