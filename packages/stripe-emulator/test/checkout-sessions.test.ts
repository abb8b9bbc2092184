import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionParams, startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterAll(() => test.close());

describe("creating a Checkout Session", () => {
	it("answers an open, unpaid session with computed amounts and no PaymentIntent yet", async () => {
		const params = sessionParams();
		const session = await test.stripe.checkout.sessions.create(params);
		expect(session).toMatchObject({
			object: "checkout.session",
			mode: "payment",
			status: "open",
			payment_status: "unpaid",
			payment_intent: null,
			amount_subtotal: 3000,
			amount_total: 3000,
			currency: "usd",
			livemode: false,
			client_reference_id: params.client_reference_id,
			metadata: { order_id: params.client_reference_id },
			success_url: params.success_url,
			cancel_url: params.cancel_url,
			expires_at: params.expires_at,
			customer_details: null,
			ui_mode: "hosted_page",
		});
		expect(session.id).toMatch(/^cs_test_[A-Za-z0-9]{50,}$/);
		expect(session.url).toBe(`${test.emulator.url}/pay/${session.id}`);
		expect(Math.abs(session.created - Date.now() / 1000)).toBeLessThan(5);
	});

	it("answers an elements session with its client secret, its return_url and no page of its own", async () => {
		const { success_url: _, cancel_url: __, ...params } = sessionParams();
		const returnUrl = "https://shop.test/success.html?session_id={CHECKOUT_SESSION_ID}";
		const session = await test.stripe.checkout.sessions.create({
			...params,
			ui_mode: "elements",
			return_url: returnUrl,
		});
		expect(session).toMatchObject({
			ui_mode: "elements",
			return_url: returnUrl,
			success_url: null,
			cancel_url: null,
			url: null,
		});
		expect(session.client_secret).toMatch(new RegExp(`^${session.id}_secret_[A-Za-z0-9]{24}$`));
		// Retrieved again, the same secret (the shop's page may be reloaded).
		const again = await test.stripe.checkout.sessions.retrieve(session.id);
		expect(again.client_secret).toBe(session.client_secret);
		expect((await fetch(`${test.emulator.url}/pay/${session.id}`)).status).toBe(404);
	});

	it("defaults expires_at to 24 hours after creation", async () => {
		const { expires_at: _, ...params } = sessionParams();
		const session = await test.stripe.checkout.sessions.create(params);
		expect(session.expires_at - session.created).toBe(24 * 60 * 60);
	});

	it("lists the line items as Stripe's item objects", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const items = await test.stripe.checkout.sessions.listLineItems(session.id);
		expect(items.data.map((item) => [item.description, item.quantity, item.amount_total])).toEqual([
			["Mug", 2, 2500],
			["Sticker", 1, 500],
		]);
		expect(items.data[0]?.price).toMatchObject({
			object: "price",
			unit_amount: 1250,
			currency: "usd",
		});
	});

	it.each([
		["mode is missing", { mode: undefined }, "mode", /Missing required param: mode/],
		[
			"line_items is missing",
			{ line_items: undefined },
			"line_items",
			/Missing required param: line_items/,
		],
		["success_url is missing", { success_url: undefined }, "success_url", /success_url/],
		["ui_mode is an old name", { ui_mode: "custom" }, "ui_mode", /hosted_page, elements/],
		[
			"an elements session has a success_url",
			{ ui_mode: "elements", return_url: "https://shop.test/done" },
			"success_url",
			/return_url/,
		],
		[
			"an elements session has no return_url",
			{ ui_mode: "elements", success_url: undefined, cancel_url: undefined },
			"return_url",
			/Missing required param: return_url/,
		],
		[
			"a hosted page has a return_url",
			{ return_url: "https://shop.test/done" },
			"return_url",
			/ui_mode=elements/,
		],
		[
			"expires_at is under 30 minutes ahead",
			{ expires_at: now() + 60 },
			"expires_at",
			/30 minutes/,
		],
		[
			"expires_at is over 24 hours ahead",
			{ expires_at: now() + 25 * 3600 },
			"expires_at",
			/24 hours/,
		],
	])("refuses a session when %s", async (_, overrides, param, message) => {
		const error = await stripeError(
			test.stripe.checkout.sessions.create({
				...sessionParams(),
				...overrides,
			} as Stripe.Checkout.SessionCreateParams),
		);
		expect(error.statusCode).toBe(400);
		expect(error.type).toBe("StripeInvalidRequestError");
		expect(error.param).toBe(param);
		expect(error.message).toMatch(message);
	});

	it("refuses a unit_amount that is not an integer", async () => {
		const params = sessionParams();
		const error = await stripeError(
			test.stripe.rawRequest("POST", "/v1/checkout/sessions", {
				...params,
				line_items: [
					{
						price_data: { currency: "usd", unit_amount: "12.5", product_data: { name: "X" } },
						quantity: 1,
					},
				],
			}),
		);
		expect(error.statusCode).toBe(400);
		expect(error.param).toBe("line_items[0][price_data][unit_amount]");
		expect(error.message).toBe("Invalid integer: 12.5");
	});

	it("refuses payment_method_types, removed in API 2026-09-30.endive", async () => {
		const error = await stripeError(
			test.stripe.rawRequest("POST", "/v1/checkout/sessions", {
				...sessionParams(),
				payment_method_types: ["card"],
			}),
		);
		expect(error.statusCode).toBe(400);
		expect(error.param).toBe("payment_method_types");
		expect(error.message).toBe("Received unknown parameter: payment_method_types");
	});

	it("shows the business the session names (branding_settings) and the line under Pay (custom_text)", async () => {
		const session = await test.stripe.checkout.sessions.create({
			...sessionParams(),
			branding_settings: { display_name: "Maison Kōhī", button_color: "#1f4e79" },
			custom_text: { submit: { message: "Sold by Kōhī SAS, Paris." } },
		});
		expect(session.branding_settings).toMatchObject({
			display_name: "Maison Kōhī",
			button_color: "#1f4e79",
		});
		expect(session.custom_text.submit).toEqual({ message: "Sold by Kōhī SAS, Paris." });
		const page = await (await fetch(session.url ?? "")).text();
		expect(page).toContain('<p class="merchant" id="merchant">Maison Kōhī</p>');
		expect(page).toContain('<p class="hint" id="submit-message">Sold by Kōhī SAS, Paris.</p>');

		const plain = await test.stripe.checkout.sessions.create(sessionParams());
		expect(plain.branding_settings?.display_name).toBe("Emulated business");
		expect(plain.custom_text.submit).toBeNull();
	});

	it.each([
		[{ branding_settings: { button_color: "blue" } }, "branding_settings[button_color]"],
		[{ branding_settings: { display_name: "x".repeat(101) } }, "branding_settings[display_name]"],
		[{ branding_settings: { tagline: "x" } }, "branding_settings[tagline]"],
		[{ custom_text: { submit: { message: "x".repeat(1201) } } }, "custom_text[submit][message]"],
		[{ custom_text: { footer: { message: "x" } } }, "custom_text[footer]"],
	])("refuses %o, naming the parameter", async (extra, param) => {
		const error = await stripeError(
			test.stripe.rawRequest("POST", "/v1/checkout/sessions", { ...sessionParams(), ...extra }),
		);
		expect(error.statusCode).toBe(400);
		expect(error.param).toBe(param);
	});

	it("answers 404 resource_missing for an unknown session", async () => {
		const error = await stripeError(test.stripe.checkout.sessions.retrieve("cs_test_nope"));
		expect(error.statusCode).toBe(404);
		expect(error.code).toBe("resource_missing");
		expect(error.message).toBe("No such checkout.session: 'cs_test_nope'");
	});
});

describe("retrieving and listing sessions", () => {
	it("expands payment_intent into the object once the shopper has tried to pay", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const before = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent"],
		});
		expect(before.payment_intent).toBeNull();
		await test.control("POST", `/_emulator/sessions/${session.id}/pay`, {
			card: "4000000000000002",
		});
		const after = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent"],
		});
		const intent = after.payment_intent as Stripe.PaymentIntent;
		expect(intent.object).toBe("payment_intent");
		expect(intent.status).toBe("requires_payment_method");
		expect(intent.metadata).toEqual(session.metadata);
	});

	it("expands payment_intent.latest_charge, expanding payment_intent on the way, as Stripe does", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		await test.control("POST", `/_emulator/sessions/${session.id}/pay`, {
			card: "4000000000000002",
		});
		const retrieved = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent.latest_charge"],
		});
		const intent = retrieved.payment_intent as Stripe.PaymentIntent;
		expect(intent.object).toBe("payment_intent");
		const charge = intent.latest_charge as Stripe.Charge;
		expect(charge).toMatchObject({ object: "charge", status: "failed", payment_intent: intent.id });
		expect(charge.created).toBeGreaterThanOrEqual(intent.created);
	});

	it("finds a session by its PaymentIntent", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const paid = await test.control<{ paymentIntent: { id: string } }>(
			"POST",
			`/_emulator/sessions/${session.id}/pay`,
		);
		const list = await test.stripe.checkout.sessions.list({
			payment_intent: paid.body.paymentIntent.id,
		});
		expect(list.object).toBe("list");
		expect(list.url).toBe("/v1/checkout/sessions");
		expect(list.data.map((item) => item.id)).toEqual([session.id]);
		expect(list.has_more).toBe(false);
		const expanded = await test.stripe.checkout.sessions.list({
			payment_intent: paid.body.paymentIntent.id,
			expand: ["data.payment_intent", "data.line_items"],
		});
		expect(expanded.data[0]?.payment_intent).toMatchObject({ object: "payment_intent" });
		expect(expanded.data[0]?.line_items?.data).toHaveLength(2);
	});

	it("refuses to expand a field that cannot be expanded", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const error = await stripeError(
			test.stripe.checkout.sessions.retrieve(session.id, { expand: ["currency"] }),
		);
		expect(error.statusCode).toBe(400);
		expect(error.param).toBe("expand");
	});

	it("filters by status and created, newest first, with limit and has_more", async () => {
		const createdAfter = now();
		const first = await test.stripe.checkout.sessions.create(sessionParams());
		const second = await test.stripe.checkout.sessions.create(sessionParams());
		const page = await test.stripe.checkout.sessions.list({
			status: "open",
			created: { gte: createdAfter },
			limit: 1,
		});
		expect(page.data.map((item) => item.id)).toEqual([second.id]);
		expect(page.has_more).toBe(true);
		const next = await test.stripe.checkout.sessions.list({
			status: "open",
			created: { gte: createdAfter },
			limit: 1,
			starting_after: second.id,
		});
		expect(next.data.map((item) => item.id)).toEqual([first.id]);
	});
});

describe("expiring a session", () => {
	it("expires an open session and emits checkout.session.expired", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const expired = await test.stripe.checkout.sessions.expire(session.id);
		expect(expired.status).toBe("expired");
		expect(expired.url).toBeNull();
		const events = await test.stripe.events.list({ type: "checkout.session.expired", limit: 100 });
		const event = events.data.find(
			(item) => (item.data.object as Stripe.Checkout.Session).id === session.id,
		);
		expect(event?.request?.id).toMatch(/^req_/);
	});

	it("refuses to expire a session that is no longer open", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		await test.stripe.checkout.sessions.expire(session.id);
		const error = await stripeError(test.stripe.checkout.sessions.expire(session.id));
		expect(error.statusCode).toBe(400);
		expect(error.type).toBe("StripeInvalidRequestError");
		expect(error.message).toBe("This Checkout Session is not in an expirable state.");
	});

	it("refuses to expire a completed session", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		await test.control("POST", `/_emulator/sessions/${session.id}/pay`);
		const error = await stripeError(test.stripe.checkout.sessions.expire(session.id));
		expect(error.statusCode).toBe(400);
	});

	it("cancels the PaymentIntent of a session that had a declined attempt", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		await test.control("POST", `/_emulator/sessions/${session.id}/pay`, {
			card: "4000000000000002",
		});
		await test.stripe.checkout.sessions.expire(session.id);
		const retrieved = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent"],
		});
		expect((retrieved.payment_intent as Stripe.PaymentIntent).status).toBe("canceled");
	});
});

function now(): number {
	return Math.floor(Date.now() / 1000);
}
