import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	eventTypesFor,
	sessionParams,
	startTestEmulator,
	type TestEmulator,
} from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterAll(() => test.close());

async function paidIntent(): Promise<Stripe.PaymentIntent> {
	const session = await test.stripe.checkout.sessions.create(sessionParams());
	const answer = await test.control<{ paymentIntent: Stripe.PaymentIntent }>(
		"POST",
		`/_emulator/sessions/${session.id}/pay`,
	);
	return answer.body.paymentIntent;
}

describe("refunds", () => {
	it("refunds part, then the rest, updating the charge each time", async () => {
		const intent = await paidIntent();
		const partial = await test.stripe.refunds.create({ payment_intent: intent.id, amount: 1000 });
		expect(partial).toMatchObject({
			object: "refund",
			amount: 1000,
			currency: "usd",
			status: "succeeded",
			payment_intent: intent.id,
			charge: intent.latest_charge,
		});
		let charge = await test.stripe.charges.retrieve(String(intent.latest_charge));
		expect(charge).toMatchObject({ amount_refunded: 1000, refunded: false });

		const rest = await test.stripe.refunds.create({ payment_intent: intent.id });
		expect(rest.amount).toBe(2000);
		charge = await test.stripe.charges.retrieve(String(intent.latest_charge));
		expect(charge).toMatchObject({ amount_refunded: 3000, refunded: true });
		expect((await test.stripe.refunds.retrieve(rest.id)).id).toBe(rest.id);
	});

	it("lists refunds by their created time, newest first, each with its charge when expanded", async () => {
		const older = await test.stripe.refunds.create({ payment_intent: (await paidIntent()).id });
		const newer = await test.stripe.refunds.create({ payment_intent: (await paidIntent()).id });
		const ids = async (created: Stripe.RangeQueryParam) =>
			(await test.stripe.refunds.list({ created, limit: 100 })).data.map((r) => r.id);
		expect(await ids({ gt: newer.created })).not.toContain(newer.id);
		expect(await ids({ lt: older.created })).not.toContain(older.id);
		const since = await ids({ gte: older.created });
		expect(since.indexOf(newer.id)).toBeGreaterThanOrEqual(0);
		expect(since.indexOf(newer.id)).toBeLessThan(since.indexOf(older.id));
		const recent = await test.stripe.refunds.list({
			created: { gte: newer.created },
			expand: ["data.charge"],
		});
		const charge = recent.data.find((r) => r.id === newer.id)?.charge as Stripe.Charge;
		expect(charge).toMatchObject({ object: "charge", amount_refunded: newer.amount });
	});

	it("emits refund.created then charge.refunded carrying the charge", async () => {
		const intent = await paidIntent();
		const refund = await test.stripe.refunds.create({ charge: String(intent.latest_charge) });
		expect(await eventTypesFor(test, refund.id)).toEqual(["refund.created"]);
		const chargeEvents = await test.control<{ data: Stripe.Event[] }>(
			"GET",
			`/_emulator/events?type=charge.refunded&object_id=${intent.latest_charge}`,
		);
		const event = chargeEvents.body.data[0];
		expect(event?.data.object).toMatchObject({
			object: "charge",
			amount_refunded: 3000,
			refunded: true,
		});
		expect(event?.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
		expect(event?.request?.id).toMatch(/^req_/);
	});

	it("refuses more than what is left with amount_too_large", async () => {
		const intent = await paidIntent();
		await test.stripe.refunds.create({ payment_intent: intent.id, amount: 2500 });
		const error = await stripeError(
			test.stripe.refunds.create({ payment_intent: intent.id, amount: 501 }),
		);
		expect(error.statusCode).toBe(400);
		expect(error.code).toBe("amount_too_large");
		expect(error.param).toBe("amount");
	});

	it("refuses a fully refunded payment with charge_already_refunded", async () => {
		const intent = await paidIntent();
		await test.stripe.refunds.create({ payment_intent: intent.id });
		const error = await stripeError(test.stripe.refunds.create({ payment_intent: intent.id }));
		expect(error.statusCode).toBe(400);
		expect(error.code).toBe("charge_already_refunded");
	});

	it("refuses a PaymentIntent that has not succeeded", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const declined = await test.control<{ paymentIntent: Stripe.PaymentIntent }>(
			"POST",
			`/_emulator/sessions/${session.id}/pay`,
			{ card: "4000000000000002" },
		);
		const error = await stripeError(
			test.stripe.refunds.create({ payment_intent: declined.body.paymentIntent.id }),
		);
		expect(error.statusCode).toBe(400);
		expect(error.type).toBe("StripeInvalidRequestError");
	});

	it("answers 404 for an unknown PaymentIntent", async () => {
		const error = await stripeError(test.stripe.refunds.create({ payment_intent: "pi_missing" }));
		expect(error.statusCode).toBe(404);
		expect(error.code).toBe("resource_missing");
	});
});
