import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.ts";
import { DEMO_PROMOTION_CODES } from "../src/server.ts";
import { startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator({
		promotionCodes: [
			...DEMO_PROMOTION_CODES,
			{ code: "SEEDED-JPY", amountOff: 300, currency: "jpy" },
		],
	});
});
afterAll(() => test.close());

describe("coupons", () => {
	it("creates percent and amount coupons as Stripe shapes them, and retrieves them", async () => {
		const percent = await test.stripe.coupons.create({
			percent_off: 25.5,
			duration: "forever",
			name: "Quarter",
		});
		expect(percent).toMatchObject({
			object: "coupon",
			percent_off: 25.5,
			amount_off: null,
			currency: null,
			duration: "forever",
			duration_in_months: null,
			name: "Quarter",
			times_redeemed: 0,
			valid: true,
			livemode: false,
		});
		const amount = await test.stripe.coupons.create({
			id: "SPRING",
			amount_off: 700,
			currency: "EUR",
			duration: "repeating",
			duration_in_months: 3,
		});
		expect(amount).toMatchObject({
			id: "SPRING",
			amount_off: 700,
			currency: "eur",
			duration_in_months: 3,
		});
		expect(await test.stripe.coupons.retrieve("SPRING")).toEqual(amount);
		expect((await stripeError(test.stripe.coupons.retrieve("NOPE"))).code).toBe("resource_missing");
		expect(
			(await stripeError(test.stripe.coupons.create({ id: "SPRING", percent_off: 5 }))).code,
		).toBe("resource_already_exists");
	});

	it("refuses both or neither of percent_off and amount_off, and amount_off without currency", async () => {
		const both = await stripeError(
			test.stripe.coupons.create({ percent_off: 5, amount_off: 5, currency: "usd" }),
		);
		expect(both.message).toMatch(/only specify one of these parameters: amount_off, percent_off/);
		expect((await stripeError(test.stripe.coupons.create({ duration: "once" }))).param).toBe(
			"percent_off",
		);
		expect((await stripeError(test.stripe.coupons.create({ amount_off: 5 }))).param).toBe(
			"currency",
		);
		expect((await stripeError(test.stripe.coupons.create({ percent_off: 101 }))).param).toBe(
			"percent_off",
		);
		expect(
			(await stripeError(test.stripe.coupons.create({ percent_off: 5, duration: "repeating" })))
				.param,
		).toBe("duration_in_months");
	});
});

describe("promotion codes", () => {
	it("creates one with promotion[type]=coupon, lists it by code (any case) and active, and expands its coupon", async () => {
		const coupon = await test.stripe.coupons.create({ percent_off: 15 });
		const promo = await test.stripe.promotionCodes.create({
			promotion: { type: "coupon", coupon: coupon.id },
			code: "Summer-15",
			max_redemptions: 3,
			metadata: { campaign: "summer" },
		});
		expect(promo).toMatchObject({
			object: "promotion_code",
			id: expect.stringMatching(/^promo_/),
			code: "Summer-15",
			active: true,
			promotion: { type: "coupon", coupon: coupon.id },
			max_redemptions: 3,
			times_redeemed: 0,
			customer: null,
			restrictions: {
				first_time_transaction: false,
				minimum_amount: null,
				minimum_amount_currency: null,
			},
			metadata: { campaign: "summer" },
		});
		const listed = await test.stripe.promotionCodes.list({ code: "summer-15", active: true });
		expect(listed.data.map((item) => item.id)).toEqual([promo.id]);
		expect(
			(await test.stripe.promotionCodes.list({ code: "summer-15", active: false })).data,
		).toEqual([]);
		const expanded = await test.stripe.promotionCodes.retrieve(promo.id, {
			expand: ["promotion.coupon"],
		});
		expect(expanded.promotion.coupon).toMatchObject({
			object: "coupon",
			id: coupon.id,
			percent_off: 15,
		});
	});

	it("refuses a second active code with the same text, an unknown coupon, and the old coupon param", async () => {
		const coupon = await test.stripe.coupons.create({ percent_off: 5 });
		await test.stripe.promotionCodes.create({
			promotion: { type: "coupon", coupon: coupon.id },
			code: "TWICE",
		});
		const twice = await stripeError(
			test.stripe.promotionCodes.create({
				promotion: { type: "coupon", coupon: coupon.id },
				code: "twice",
			}),
		);
		expect(twice.code).toBe("resource_already_exists");
		const missing = await stripeError(
			test.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: "NOPE" } }),
		);
		expect(missing).toMatchObject({ code: "resource_missing", param: "promotion[coupon]" });
		const response = await fetch(`${test.emulator.url}/v1/promotion_codes`, {
			method: "POST",
			headers: {
				authorization: "Bearer sk_test_x",
				"content-type": "application/x-www-form-urlencoded",
			},
			body: `coupon=${coupon.id}`,
		});
		expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
			"Received unknown parameter: coupon",
		);
	});

	it("seeds the start option's codes, the demo ones among them, and seeds them again after a reset", async () => {
		expect(DEMO_PROMOTION_CODES.map((seed) => seed.code)).toEqual(["WELCOME10", "BEANS5"]);
		const find = async (code: string) => (await test.stripe.promotionCodes.list({ code })).data[0];
		const welcome = await find("WELCOME10");
		expect(welcome).toMatchObject({ active: true, promotion: { coupon: "WELCOME10" } });
		expect(await test.stripe.coupons.retrieve("WELCOME10")).toMatchObject({
			percent_off: 10,
			duration: "forever",
		});
		expect(await test.stripe.coupons.retrieve("BEANS5")).toMatchObject({
			amount_off: 500,
			currency: "usd",
		});
		expect(await test.stripe.coupons.retrieve("SEEDED-JPY")).toMatchObject({
			amount_off: 300,
			currency: "jpy",
		});
		await emulatorClient(test.emulator.url).reset();
		expect(await find("BEANS5")).toMatchObject({ active: true, code: "BEANS5" });
	});
});
