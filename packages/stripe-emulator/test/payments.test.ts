import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	eventTypesForOrder,
	sessionParams,
	startTestEmulator,
	type TestEmulator,
} from "./helpers/emulator.ts";

type PayAnswer = {
	outcome: string;
	error: { code: string; declineCode: string | null; message: string } | null;
	session: Stripe.Checkout.Session;
	paymentIntent: Stripe.PaymentIntent;
};

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterAll(() => test.close());

async function openSession(): Promise<{ session: Stripe.Checkout.Session; orderId: string }> {
	const params = sessionParams();
	const session = await test.stripe.checkout.sessions.create(params);
	return { session, orderId: params.client_reference_id ?? "" };
}

async function pay(sessionId: string, body: Record<string, string> = {}) {
	return test.control<PayAnswer>("POST", `/_emulator/sessions/${sessionId}/pay`, body);
}

describe("paying by card", () => {
	it("completes the session with 4242 and emits Stripe's events in order", async () => {
		const { session, orderId } = await openSession();
		const answer = await pay(session.id, { email: "ada@example.com" });
		expect(answer.status).toBe(200);
		expect(answer.body.outcome).toBe("succeeded");

		const completed = await test.stripe.checkout.sessions.retrieve(session.id);
		expect(completed).toMatchObject({ status: "complete", payment_status: "paid", url: null });
		expect(completed.customer_details?.email).toBe("ada@example.com");
		const intent = await test.stripe.paymentIntents.retrieve(String(completed.payment_intent));
		expect(intent).toMatchObject({
			status: "succeeded",
			amount: 3000,
			amount_received: 3000,
			currency: "usd",
		});
		expect(intent.metadata).toEqual({ order_id: orderId });
		const charge = await test.stripe.charges.retrieve(String(intent.latest_charge));
		expect(charge).toMatchObject({
			status: "succeeded",
			paid: true,
			amount: 3000,
			payment_intent: intent.id,
		});

		expect(await eventTypesForOrder(test, orderId)).toEqual([
			"payment_intent.created",
			"charge.succeeded",
			"payment_intent.succeeded",
			"checkout.session.completed",
		]);
	});

	it("carries the completed session in checkout.session.completed", async () => {
		const { session } = await openSession();
		await pay(session.id);
		const events = await test.stripe.events.list({
			type: "checkout.session.completed",
			limit: 100,
		});
		const event = events.data.find(
			(item) => (item.data.object as Stripe.Checkout.Session).id === session.id,
		);
		expect(event).toMatchObject({
			object: "event",
			api_version: "2026-10-28.endive",
			livemode: false,
			request: { id: null, idempotency_key: null },
		});
		const object = event?.data.object as Stripe.Checkout.Session;
		expect(object).toMatchObject({ status: "complete", payment_status: "paid" });
		expect(object.payment_intent).toMatch(/^pi_/);
	});

	it.each([
		["4000000000000002", "card_declined", "generic_decline"],
		["4000000000009995", "card_declined", "insufficient_funds"],
		["4000000000009987", "card_declined", "lost_card"],
		["4000 0000 0000 0069", "expired_card", "expired_card"],
		["4000000000000127", "incorrect_cvc", "incorrect_cvc"],
		["4000000000000119", "processing_error", "processing_error"],
		["4111111111111111", "incorrect_number", null],
	])("declines %s with %s (%s) and keeps the session open", async (card, code, declineCode) => {
		const { session } = await openSession();
		const answer = await pay(session.id, { card });
		expect(answer.body.outcome).toBe("declined");
		expect(answer.body.session.status).toBe("open");
		const intent = await test.stripe.paymentIntents.retrieve(answer.body.paymentIntent.id);
		expect(intent.status).toBe("requires_payment_method");
		expect(intent.last_payment_error).toMatchObject({
			type: "card_error",
			code,
			decline_code: declineCode,
		});
		expect(intent.last_payment_error?.message).toEqual(expect.any(String));
	});

	it("emits charge.failed then payment_intent.payment_failed for a decline", async () => {
		const { session, orderId } = await openSession();
		await pay(session.id, { card: "4000000000000002" });
		expect(await eventTypesForOrder(test, orderId)).toEqual([
			"payment_intent.created",
			"charge.failed",
			"payment_intent.payment_failed",
		]);
	});

	it("reuses the same PaymentIntent when a declined shopper retries and succeeds", async () => {
		const { session, orderId } = await openSession();
		const declined = await pay(session.id, { card: "4000000000009995" });
		const succeeded = await pay(session.id, { card: "4242 4242 4242 4242" });
		expect(succeeded.body.outcome).toBe("succeeded");
		expect(succeeded.body.paymentIntent.id).toBe(declined.body.paymentIntent.id);
		expect(succeeded.body.paymentIntent.last_payment_error).toBeNull();
		const types = await eventTypesForOrder(test, orderId);
		expect(types.filter((type) => type === "payment_intent.created")).toHaveLength(1);
		expect(types.at(-1)).toBe("checkout.session.completed");
	});

	it("refuses to pay a session that is already complete", async () => {
		const { session } = await openSession();
		await pay(session.id);
		const again = await pay(session.id);
		expect(again.status).toBe(400);
	});
});

describe("paying by a delayed method (bank debit)", () => {
	it("completes the session unpaid, then settles paid", async () => {
		const { session, orderId } = await openSession();
		const answer = await pay(session.id, { delayed: "success" });
		expect(answer.body.outcome).toBe("processing");
		expect(answer.body.session).toMatchObject({ status: "complete", payment_status: "unpaid" });
		expect(answer.body.paymentIntent.status).toBe("processing");

		const settled = await test.control<{ settled: string[] }>("POST", "/_emulator/delayed/settle", {
			sessionId: session.id,
		});
		expect(settled.body.settled).toEqual([session.id]);
		const after = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent"],
		});
		expect(after.payment_status).toBe("paid");
		expect((after.payment_intent as Stripe.PaymentIntent).status).toBe("succeeded");
		expect(await eventTypesForOrder(test, orderId)).toEqual([
			"payment_intent.created",
			"payment_intent.processing",
			"charge.pending",
			"checkout.session.completed",
			"charge.succeeded",
			"payment_intent.succeeded",
			"checkout.session.async_payment_succeeded",
		]);
	});

	it("fails after the delay with async_payment_failed", async () => {
		const { session, orderId } = await openSession();
		await test.control("POST", "/_emulator/delayed", { delayMs: 50 });
		await pay(session.id, { delayed: "failure" });
		await test.control("POST", "/_emulator/delayed", { delayMs: 2000 });
		await expect
			.poll(() => eventTypesForOrder(test, orderId), { timeout: 2000 })
			.toContain("checkout.session.async_payment_failed");
		const after = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent"],
		});
		expect(after).toMatchObject({ status: "complete", payment_status: "unpaid" });
		const intent = after.payment_intent as Stripe.PaymentIntent;
		expect(intent.status).toBe("requires_payment_method");
		expect(intent.last_payment_error?.code).toEqual(expect.any(String));
		expect((await eventTypesForOrder(test, orderId)).slice(-3)).toEqual([
			"charge.failed",
			"payment_intent.payment_failed",
			"checkout.session.async_payment_failed",
		]);
	});
});

describe("listing events", () => {
	it("lists newest first, filtered by type and created, paginated with starting_after", async () => {
		const since = Math.floor(Date.now() / 1000);
		const { session } = await openSession();
		await pay(session.id);
		const page = await test.stripe.events.list({
			type: "payment_intent.*",
			created: { gte: since },
			limit: 1,
		});
		expect(page.data[0]?.type).toBe("payment_intent.succeeded");
		expect(page.has_more).toBe(true);
		const next = await test.stripe.events.list({
			type: "payment_intent.*",
			created: { gte: since },
			limit: 1,
			starting_after: page.data[0]?.id,
		});
		expect(next.data[0]?.type).toBe("payment_intent.created");
		const event = await test.stripe.events.retrieve(String(page.data[0]?.id));
		expect(event.id).toBe(page.data[0]?.id);
	});
});

describe("the receipt", () => {
	it("is a page of the emulator's own, with the amount paid and, once refunded, the refund", async () => {
		const { session } = await openSession();
		await pay(session.id);
		const intent = await test.stripe.paymentIntents.retrieve(
			String((await test.stripe.checkout.sessions.retrieve(session.id)).payment_intent),
			{ expand: ["latest_charge"] },
		);
		const charge = intent.latest_charge as Stripe.Charge;
		expect(charge.receipt_url).toBe(`${test.emulator.url}/receipts/${charge.id}`);
		const page = await (await fetch(String(charge.receipt_url))).text();
		expect(page).toContain('<strong id="receipt-amount">$30.00</strong>');
		expect(page).not.toContain("receipt-refunded");
		await test.stripe.refunds.create({ payment_intent: intent.id, amount: 500 });
		expect(await (await fetch(String(charge.receipt_url))).text()).toContain(
			'<span id="receipt-refunded">$5.00</span>',
		);
		expect((await fetch(`${test.emulator.url}/receipts/ch_unknown`)).status).toBe(404);
	});
});
