import Stripe from "stripe";
import { describe, expect, it, vi } from "vitest";
import { TEST_WEBHOOK_SECRET } from "../support/constants.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { getOrder, insertOrder, tableCounts } from "./helpers/db.ts";
import { completedSession, stripeEvent } from "./helpers/stripe-objects.ts";
import { deliver, postWebhook, signature } from "./helpers/webhooks.ts";

const cryptoProvider = Stripe.createSubtleCryptoProvider();

async function paidEventPayload() {
	const order = await insertOrder();
	const event = stripeEvent("checkout.session.completed", completedSession({ orderId: order.id }));
	return { order, payload: JSON.stringify(event) };
}

async function hmac(secret: string, message: string): Promise<string> {
	return cryptoProvider.computeHMACSignatureAsync(message, secret);
}

/** Each rejected delivery: 400, an error code, and nothing written anywhere. */
async function expectRejected(res: Response, code: string, orderId: string) {
	expect(res.status).toBe(400);
	expect(await res.json()).toMatchObject({ error: { code } });
	expect((await getOrder(orderId)).status).toBe("pending");
}

describe("POST /webhook signature verification", () => {
	it("rejects a request without Stripe-Signature", async () => {
		const { order, payload } = await paidEventPayload();
		const before = await tableCounts();
		await expectRejected(await postWebhook(payload), "invalid_signature", order.id);
		expect(await tableCounts()).toEqual(before);
	});

	it("rejects a garbage header", async () => {
		const { order, payload } = await paidEventPayload();
		await expectRejected(
			await postWebhook(payload, { "stripe-signature": "garbage" }),
			"invalid_signature",
			order.id,
		);
	});

	it("rejects a signature made with another secret", async () => {
		const { order, payload } = await paidEventPayload();
		const header = await signature(payload, { secret: "whsec_someone_else" });
		await expectRejected(
			await postWebhook(payload, { "stripe-signature": header }),
			"invalid_signature",
			order.id,
		);
	});

	it("rejects a tampered body", async () => {
		const { order, payload } = await paidEventPayload();
		const header = await signature(payload);
		const tampered = payload.replace('"amount_total":4800', '"amount_total":1');
		expect(tampered).not.toBe(payload);
		await expectRejected(
			await postWebhook(tampered, { "stripe-signature": header }),
			"invalid_signature",
			order.id,
		);
	});

	it("rejects a timestamp older than 300 seconds, and one too far in the future", async () => {
		const { order, payload } = await paidEventPayload();
		const now = Math.floor(Date.now() / 1000);
		// 5 s past the 300 s tolerance each way: the request is checked a second or two after `now` was read.
		for (const timestamp of [now - 305, now - 3600, now + 305, now + 3600, now + 365 * 86_400]) {
			const header = await signature(payload, { timestamp });
			await expectRejected(
				await postWebhook(payload, { "stripe-signature": header }),
				"invalid_signature",
				order.id,
			);
		}
	});

	it("accepts a timestamp within the tolerance, in the past or the future", async () => {
		for (const skew of [-250, 250]) {
			const { order, payload } = await paidEventPayload();
			const header = await signature(payload, { timestamp: Math.floor(Date.now() / 1000) + skew });
			expect((await postWebhook(payload, { "stripe-signature": header })).status).toBe(200);
			expect((await getOrder(order.id)).status).toBe("paid");
		}
	});

	it("rejects a timestamp that is not a number, even with a signature made over it", async () => {
		const { order, payload } = await paidEventPayload();
		for (const t of ["abc", "1e10", "", "12.5", "-5"]) {
			const v1 = await hmac(TEST_WEBHOOK_SECRET, `${t}.${payload}`);
			await expectRejected(
				await postWebhook(payload, { "stripe-signature": `t=${t},v1=${v1}` }),
				"invalid_signature",
				order.id,
			);
		}
	});

	it("logs each rejected delivery, without its body or signatures", async () => {
		const lines: string[] = [];
		vi.spyOn(console, "warn").mockImplementation((line: unknown) => void lines.push(String(line)));
		const { order, payload } = await paidEventPayload();
		const header = await signature(payload, { secret: "whsec_someone_else" });
		await expectRejected(
			await postWebhook(payload, { "stripe-signature": header }),
			"invalid_signature",
			order.id,
		);
		vi.restoreAllMocks();
		const rejected = lines
			.map((l) => JSON.parse(l))
			.filter((l) => l.message === "webhook rejected");
		expect(rejected).toMatchObject([{ code: "invalid_signature", bytes: payload.length }]);
		expect(lines.join("\n")).not.toContain(order.id);
		expect(lines.join("\n")).not.toContain(header.split("v1=")[1]);
	});

	it("ignores a v0 signature: a header with only v0 is rejected", async () => {
		const { order, payload } = await paidEventPayload();
		const t = Math.floor(Date.now() / 1000);
		const v0 = await hmac(TEST_WEBHOOK_SECRET, `${t}.${payload}`);
		await expectRejected(
			await postWebhook(payload, { "stripe-signature": `t=${t},v0=${v0}` }),
			"invalid_signature",
			order.id,
		);
	});

	it("accepts a header with several v1 signatures when one is valid", async () => {
		const { order, payload } = await paidEventPayload();
		const t = Math.floor(Date.now() / 1000);
		const good = await hmac(TEST_WEBHOOK_SECRET, `${t}.${payload}`);
		const bad = await hmac("whsec_old", `${t}.${payload}`);
		const res = await postWebhook(payload, {
			"stripe-signature": `t=${t},v1=${bad},v1=${good},v0=${bad}`,
		});
		expect(res.status).toBe(200);
		expect((await getOrder(order.id)).status).toBe("paid");
	});

	it("rejects a header whose several v1 signatures are all wrong", async () => {
		const { order, payload } = await paidEventPayload();
		const t = Math.floor(Date.now() / 1000);
		const a = await hmac("whsec_a", `${t}.${payload}`);
		const b = await hmac("whsec_b", `${t}.${payload}`);
		await expectRejected(
			await postWebhook(payload, { "stripe-signature": `t=${t},v1=${a},v1=${b}` }),
			"invalid_signature",
			order.id,
		);
	});

	it("accepts either secret while they rotate (comma-separated, whitespace trimmed)", async () => {
		const rotating = { STRIPE_WEBHOOK_SECRET: "  whsec_new_secret ,\n whsec_old_secret  " };
		for (const secret of ["whsec_new_secret", "whsec_old_secret"]) {
			const { order, payload } = await paidEventPayload();
			const req = new Request("https://shop.test/webhook", {
				method: "POST",
				headers: {
					"content-type": "application/json",
					"stripe-signature": await signature(payload, { secret }),
				},
				body: payload,
			});
			const res = await fetchWithEnv(req, rotating);
			expect(res.status).toBe(200);
			expect((await getOrder(order.id)).status).toBe("paid");
		}
	});

	it("treats two Stripe-Signature headers as one list: a valid v1 among them passes, only bad ones fail", async () => {
		const { order, payload } = await paidEventPayload();
		const good = await signature(payload);
		const bad = await signature(payload, { secret: "whsec_other" });
		const headers = new Headers({ "content-type": "application/json" });
		headers.append("stripe-signature", bad);
		headers.append("stripe-signature", bad);
		await expectRejected(await postWebhook(payload, headers), "invalid_signature", order.id);
		const mixed = new Headers({ "content-type": "application/json" });
		mixed.append("stripe-signature", bad);
		mixed.append("stripe-signature", good);
		expect((await postWebhook(payload, mixed)).status).toBe(200);
		expect((await getOrder(order.id)).status).toBe("paid");
	});

	it("rejects a validly signed body that is not JSON", async () => {
		const order = await insertOrder();
		const payload = "this is not json";
		await expectRejected(
			await postWebhook(payload, { "stripe-signature": await signature(payload) }),
			"invalid_payload",
			order.id,
		);
	});

	it("rejects a validly signed empty body", async () => {
		const order = await insertOrder();
		await expectRejected(
			await postWebhook("", { "stripe-signature": await signature("") }),
			"invalid_payload",
			order.id,
		);
	});

	it("rejects validly signed JSON that is not an event", async () => {
		const order = await insertOrder();
		const payload = JSON.stringify({ hello: "world" });
		await expectRejected(
			await postWebhook(payload, { "stripe-signature": await signature(payload) }),
			"invalid_payload",
			order.id,
		);
	});

	it("answers 500 naming the variable when no webhook secret is configured", async () => {
		const { payload } = await paidEventPayload();
		const req = new Request("https://shop.test/webhook", {
			method: "POST",
			headers: { "stripe-signature": await signature(payload) },
			body: payload,
		});
		const res = await fetchWithEnv(req, { STRIPE_WEBHOOK_SECRET: "" });
		expect(res.status).toBe(500);
		const body = await res.json<{ error: { code: string; message: string } }>();
		expect(body.error.code).toBe("config_invalid");
		expect(body.error.message).toContain("STRIPE_WEBHOOK_SECRET");
	});

	it("rejects an oversized body with 413 before verifying", async () => {
		const payload = JSON.stringify({ pad: "x".repeat(600 * 1024) });
		const res = await postWebhook(payload, { "stripe-signature": await signature(payload) });
		expect(res.status).toBe(413);
		expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
	});

	it("processes a real delivery through the same path", async () => {
		const order = await insertOrder();
		const res = await deliver(
			stripeEvent("checkout.session.completed", completedSession({ orderId: order.id })),
		);
		expect(res.status).toBe(200);
	});
});
