import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.ts";
import { DEMO_PROMOTION_CODES } from "../src/server.ts";
import { sessionParams, startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";
import { createShopSession, shippingOptions } from "./helpers/shop-session.ts";

let test: TestEmulator;
let control: ReturnType<typeof emulatorClient>;
beforeAll(async () => {
	test = await startTestEmulator({ promotionCodes: DEMO_PROMOTION_CODES });
	control = emulatorClient(test.emulator.url);
});
afterAll(() => test.close());

const PARIS = {
	name: "Ada Lovelace",
	line1: "10 Rue de la Paix",
	line2: "3e étage",
	city: "Paris",
	postalCode: "75002",
	country: "FR",
	phone: "+33 6 12 34 56 78",
};

describe("a session that ships, takes promotion codes and computes tax", () => {
	it("echoes the shipping, phone, promotion and tax settings, with the first shipping option chosen", async () => {
		const session = await createShopSession(test, { locale: "fr" });
		expect(session).toMatchObject({
			locale: "fr",
			allow_promotion_codes: true,
			phone_number_collection: { enabled: true },
			shipping_address_collection: { allowed_countries: ["US", "FR"] },
			automatic_tax: {
				enabled: true,
				liability: { type: "self" },
				provider: "stripe",
				status: "requires_location_inputs",
			},
			amount_subtotal: 3000,
			amount_total: 3500,
			total_details: { amount_discount: 0, amount_shipping: 500, amount_tax: 0 },
			discounts: [],
		});
		expect(session.shipping_options).toHaveLength(2);
		const [standard, express] = session.shipping_options;
		expect(standard).toMatchObject({
			shipping_amount: 500,
			shipping_rate: expect.stringMatching(/^shr_/),
		});
		expect(express?.shipping_amount).toBe(1500);
		expect(session.shipping_cost).toEqual({
			amount_subtotal: 500,
			amount_tax: 0,
			amount_total: 500,
			shipping_rate: standard?.shipping_rate,
		});
	});

	it("expands shipping_cost.shipping_rate to the shipping_rate object", async () => {
		const created = await createShopSession(test);
		const session = await test.stripe.checkout.sessions.retrieve(created.id, {
			expand: ["shipping_cost.shipping_rate"],
		});
		const rate = session.shipping_cost?.shipping_rate as Stripe.ShippingRate;
		expect(rate).toMatchObject({
			object: "shipping_rate",
			display_name: "Standard",
			fixed_amount: { amount: 500, currency: "usd" },
			delivery_estimate: {
				minimum: { unit: "business_day", value: 3 },
				maximum: { unit: "business_day", value: 5 },
			},
			metadata: { shipping_rate_id: "standard" },
			tax_behavior: "exclusive",
			type: "fixed_amount",
		});
		expect(await test.stripe.shippingRates.retrieve(rate.id)).toEqual(rate);
	});

	it("pays with an address in France, Express and WELCOME10: discount split across lines, 20 % tax on lines and shipping", async () => {
		const created = await createShopSession(test);
		const paid = await control.pay(created.id, {
			email: "ada@example.com",
			shipping: PARIS,
			shippingOption: 1,
			promotionCode: "welcome10",
		});
		expect(paid.outcome).toBe("succeeded");
		// 30.00 − 3.00 = 27.00; tax 20 % of 27.00 = 5.40; Express 15.00 + 3.00 tax.
		const session = await test.stripe.checkout.sessions.retrieve(created.id);
		expect(session).toMatchObject({
			status: "complete",
			payment_status: "paid",
			amount_subtotal: 3000,
			amount_total: 5040,
			total_details: { amount_discount: 300, amount_shipping: 1500, amount_tax: 840 },
			shipping_cost: {
				amount_subtotal: 1500,
				amount_tax: 300,
				amount_total: 1800,
				shipping_rate: created.shipping_options[1]?.shipping_rate,
			},
			automatic_tax: { enabled: true, status: "complete" },
			collected_information: {
				shipping_details: {
					name: "Ada Lovelace",
					address: {
						line1: "10 Rue de la Paix",
						line2: "3e étage",
						city: "Paris",
						postal_code: "75002",
						state: null,
						country: "FR",
					},
				},
			},
			customer_details: {
				email: "ada@example.com",
				name: "Ada Lovelace",
				phone: "+33 6 12 34 56 78",
				address: { country: "FR", city: "Paris" },
				tax_exempt: "none",
				tax_ids: [],
			},
		});
		const promo = (await test.stripe.promotionCodes.list({ code: "WELCOME10" })).data[0];
		expect(session.discounts).toEqual([{ coupon: "WELCOME10", promotion_code: promo?.id }]);

		const intent = await test.stripe.paymentIntents.retrieve(String(session.payment_intent));
		expect(intent.amount).toBe(5040);
		expect(intent.amount_received).toBe(5040);
		expect(intent.shipping).toMatchObject({
			name: "Ada Lovelace",
			phone: "+33 6 12 34 56 78",
			address: { country: "FR", postal_code: "75002" },
		});
		const charge = await test.stripe.charges.retrieve(String(intent.latest_charge));
		expect(charge.amount).toBe(5040);

		const items = await test.stripe.checkout.sessions.listLineItems(created.id);
		expect(
			items.data.map((item) => [
				item.amount_subtotal,
				item.amount_discount,
				item.amount_tax,
				item.amount_total,
			]),
		).toEqual([
			[2500, 250, 450, 2700],
			[500, 50, 90, 540],
		]);
		expect(items.data[0]?.price?.tax_behavior).toBe("exclusive");

		const [completed] = await control.events({
			type: "checkout.session.completed",
			objectId: created.id,
		});
		const object = completed?.data.object as Stripe.Checkout.Session;
		expect(object.amount_total).toBe(5040);
		expect(object.total_details).toEqual(session.total_details);
		expect(object.collected_information?.shipping_details?.address.country).toBe("FR");
		expect(
			(await test.stripe.promotionCodes.retrieve(String(promo?.id))).times_redeemed,
		).toBeGreaterThan(0);
	});

	it("gives total_details.breakdown when expanded: the discount and the tax rate", async () => {
		const created = await createShopSession(test);
		await control.pay(created.id, { shipping: PARIS, promotionCode: "WELCOME10" });
		const session = await test.stripe.checkout.sessions.retrieve(created.id, {
			expand: ["total_details.breakdown"],
		});
		const breakdown = session.total_details?.breakdown;
		expect(breakdown?.discounts[0]).toMatchObject({
			amount: 300,
			discount: { object: "discount", source: { coupon: "WELCOME10", type: "coupon" } },
		});
		expect(breakdown?.taxes[0]).toMatchObject({
			amount: 640,
			rate: { object: "tax_rate", country: "FR", percentage: 20 },
			taxable_amount: 3200,
		});
		const plain = await test.stripe.checkout.sessions.retrieve(created.id);
		expect(plain.total_details).not.toHaveProperty("breakdown");
	});

	it("pays with Jenny Rosen in Paris when the test gives no address", async () => {
		const created = await createShopSession(test);
		await control.pay(created.id);
		const session = await control.session(created.id);
		expect(session.collected_information?.shipping_details).toEqual({
			name: "Jenny Rosen",
			address: {
				line1: "1 Rue de Rivoli",
				line2: null,
				city: "Paris",
				postal_code: "75001",
				state: null,
				country: "FR",
			},
		});
		// 30.00 + 5.00 shipping, 20 % on both.
		expect(session.amount_total).toBe(4200);
	});

	it("charges no tax in the US, asks for a state there, and picks a shipping option by id", async () => {
		const created = await createShopSession(test);
		const us = {
			name: "Grace Hopper",
			line1: "1 Main St",
			city: "Arlington",
			postalCode: "22201",
			country: "US",
		};
		await expect(control.pay(created.id, { shipping: us })).rejects.toThrow(
			/400[\s\S]*Your state is required/,
		);
		const express = String(created.shipping_options[1]?.shipping_rate);
		await control.pay(created.id, { shipping: { ...us, state: "VA" }, shippingOption: express });
		const session = await control.session(created.id);
		expect(session.total_details).toEqual({
			amount_discount: 0,
			amount_shipping: 1500,
			amount_tax: 0,
		});
		expect(session.amount_total).toBe(4500);
	});

	it("refuses a country the session does not ship to, and a shipping option it does not have", async () => {
		const created = await createShopSession(test);
		await expect(
			control.pay(created.id, { shipping: { ...PARIS, country: "DE" } }),
		).rejects.toThrow(/400[\s\S]*We cannot ship to this country/);
		await expect(control.pay(created.id, { shippingOption: 7 })).rejects.toThrow(
			/400[\s\S]*shippingOption/,
		);
		expect((await control.session(created.id)).status).toBe("open");
	});

	it("takes BEANS5 off a USD order but refuses it on a EUR one, and refuses unknown codes", async () => {
		const usd = await createShopSession(test);
		await control.pay(usd.id, { shipping: PARIS, promotionCode: "BEANS5" });
		expect((await control.session(usd.id)).total_details?.amount_discount).toBe(500);

		const eur = await test.stripe.checkout.sessions.create({
			...sessionParams({
				line_items: [
					{
						price_data: { currency: "eur", unit_amount: 2000, product_data: { name: "Beans" } },
						quantity: 1,
					},
				],
			}),
			allow_promotion_codes: true,
		});
		await expect(control.pay(eur.id, { promotionCode: "BEANS5" })).rejects.toThrow(
			/400[\s\S]*This code is invalid\.[\s\S]*USD off; this session is in EUR/,
		);
		await expect(control.pay(eur.id, { promotionCode: "NOPE" })).rejects.toThrow(
			/400[\s\S]*This code is invalid/,
		);
		await control.pay(eur.id, { promotionCode: "WELCOME10" });
		expect((await control.session(eur.id)).amount_total).toBe(1800);
	});

	it("refuses a promotion code on a session without allow_promotion_codes", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		await expect(control.pay(session.id, { promotionCode: "WELCOME10" })).rejects.toThrow(
			/400[\s\S]*allow_promotion_codes/,
		);
	});

	it("completes a fully discounted session with no_payment_required and no PaymentIntent", async () => {
		const coupon = await test.stripe.coupons.create({ percent_off: 100, duration: "once" });
		await test.stripe.promotionCodes.create({
			promotion: { type: "coupon", coupon: coupon.id },
			code: "FREEBIE",
		});
		const created = await test.stripe.checkout.sessions.create(
			sessionParams({ allow_promotion_codes: true }),
		);
		const paid = await control.pay(created.id, { promotionCode: "FREEBIE" });
		expect(paid).toMatchObject({ outcome: "succeeded", paymentIntent: null });
		const session = await control.session(created.id);
		expect(session).toMatchObject({
			status: "complete",
			payment_status: "no_payment_required",
			payment_intent: null,
			amount_total: 0,
			total_details: { amount_discount: 3000 },
		});
		expect((await control.events({ objectId: created.id })).map((event) => event.type)).toEqual([
			"checkout.session.completed",
		]);
	});

	it("refunds up to amount_total, shipping and tax included", async () => {
		const created = await createShopSession(test);
		const paid = await control.pay(created.id, { shipping: PARIS });
		const intent = String(paid.paymentIntent?.id);
		const error = await stripeError(
			test.stripe.refunds.create({ payment_intent: intent, amount: 4201 }),
		);
		expect(error.code).toBe("amount_too_large");
		expect((await test.stripe.refunds.create({ payment_intent: intent })).amount).toBe(4200);
	});

	it("has no shipping, discount or tax on a digital-only session", async () => {
		const created = await test.stripe.checkout.sessions.create(sessionParams());
		await control.pay(created.id);
		const session = await control.session(created.id);
		expect(session).toMatchObject({
			shipping_address_collection: null,
			shipping_cost: null,
			shipping_options: [],
			phone_number_collection: { enabled: false },
			automatic_tax: { enabled: false, liability: null, provider: null, status: null },
			collected_information: { shipping_details: null },
			total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
			amount_total: 3000,
		});
		await expect(
			control.pay((await test.stripe.checkout.sessions.create(sessionParams())).id, {
				shipping: PARIS,
			}),
		).rejects.toThrow(/400[\s\S]*collects no shipping address/);
	});
});

describe("Checkout Session create refuses what Stripe refuses", () => {
	it("a shipping option in another currency than the session's", async () => {
		const error = await stripeError(
			createShopSession(test, { shipping_options: shippingOptions("eur") }),
		);
		expect(error.param).toBe("shipping_options[0][shipping_rate_data][fixed_amount][currency]");
		expect(error.message).toMatch(/must match the currency of the Checkout Session \(usd\)/);
	});

	it("a negative or fractional shipping amount, more than 5 options, an unknown country", async () => {
		const [standard] = shippingOptions();
		const withAmount = (amount: number) => [
			{
				shipping_rate_data: {
					...standard?.shipping_rate_data,
					display_name: "Odd",
					fixed_amount: { amount, currency: "usd" },
				},
			},
		];
		const negative = await stripeError(
			createShopSession(test, { shipping_options: withAmount(-1) }),
		);
		expect(negative.param).toBe("shipping_options[0][shipping_rate_data][fixed_amount][amount]");
		const fractional = await stripeError(
			createShopSession(test, { shipping_options: withAmount(1.5) }),
		);
		expect(fractional.code).toBe("parameter_invalid_integer");
		const six = Array.from({ length: 6 }, () => withAmount(100)[0] ?? {});
		expect((await stripeError(createShopSession(test, { shipping_options: six }))).param).toBe(
			"shipping_options",
		);
		const country = await stripeError(
			createShopSession(test, {
				shipping_address_collection: {
					allowed_countries: [
						"FR",
						"XQ" as Stripe.Checkout.SessionCreateParams.ShippingAddressCollection.AllowedCountry,
					],
				},
			}),
		);
		expect(country.param).toBe("shipping_address_collection[allowed_countries]");
	});

	it("unknown shipping, tax and locale params, as before", async () => {
		const fetchCreate = (body: string) =>
			fetch(`${test.emulator.url}/v1/checkout/sessions`, {
				method: "POST",
				headers: {
					authorization: "Bearer sk_test_x",
					"content-type": "application/x-www-form-urlencoded",
				},
				body: `mode=payment&success_url=http://shop.test/ok&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=100&line_items[0][price_data][product_data][name]=A&${body}`,
			}).then(async (response) => ({ status: response.status, body: await response.json() }));
		const unknown = await fetchCreate(
			"shipping_address_collection[allowed_countries][]=FR&shipping_options[0][shipping_rate_data][display_name]=A&shipping_options[0][shipping_rate_data][fixed_amount][amount]=1&shipping_options[0][shipping_rate_data][fixed_amount][currency]=usd&shipping_options[0][shipping_rate_data][speed]=fast",
		);
		expect(unknown.status).toBe(400);
		expect(unknown.body.error.message).toBe(
			"Received unknown parameter: shipping_options[0][shipping_rate_data][speed]",
		);
		const tax = await fetchCreate("automatic_tax[enabled]=true&automatic_tax[rate]=20");
		expect(tax.body.error.param).toBe("automatic_tax[rate]");
		const locale = await fetchCreate("locale=xx");
		expect(locale.body.error.param).toBe("locale");
		const auto = await fetchCreate("locale=auto");
		expect(auto.body.locale).toBe("auto");
	});
});
