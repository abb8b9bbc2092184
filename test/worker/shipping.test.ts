import { env, exports } from "cloudflare:workers";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import type { PricedCart } from "../../src/domain/cart.ts";
import { type CheckoutOptions, sessionParams } from "../../src/domain/checkout-session.ts";
import { PARIS, TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { checkoutWith, ORIGIN } from "./helpers/checkout.ts";
import { getOrder, transitionsOf } from "./helpers/db.ts";
import { emulator, promotionCode, stripe } from "./helpers/emulator.ts";
import { deliver } from "./helpers/webhooks.ts";

/** The shop as a physical-goods owner sets it up: ships to four countries, tax on. */
const SHOP = {
	SHIPPING_COUNTRIES: "FR,US,DE,JP",
	ALLOW_PROMOTION_CODES: "on",
	AUTOMATIC_TAX: "on",
};

/** The params the worker sent Stripe to create this session. */
async function createParams(sessionId: string): Promise<Record<string, unknown>> {
	const session = await stripe().checkout.sessions.retrieve(sessionId);
	const posts = await emulator.requests("/v1/checkout/sessions");
	const post = posts.find(
		(r) => r.method === "POST" && r.params.client_reference_id === session.client_reference_id,
	);
	if (!post) throw new Error(`no create request for ${sessionId}`);
	return post.params;
}

async function completedEvent(sessionId: string): Promise<Stripe.Event> {
	const [event] = await emulator.events({
		objectId: sessionId,
		type: "checkout.session.completed",
	});
	if (!event) throw new Error(`no checkout.session.completed for ${sessionId}`);
	return event;
}

async function succeededEvent(paymentIntentId: string): Promise<Stripe.Event> {
	const [event] = await emulator.events({
		objectId: paymentIntentId,
		type: "payment_intent.succeeded",
	});
	if (!event) throw new Error(`no payment_intent.succeeded for ${paymentIntentId}`);
	return event;
}

const admin = (path: string, init: RequestInit = {}) =>
	exports.default.fetch(`${ORIGIN}/admin${path}`, {
		...init,
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...init.headers },
	});

const fulfill = (orderId: string, body: unknown) =>
	admin(`/orders/${orderId}/fulfill`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});

describe("the Checkout Session a cart asks for", () => {
	const line = (productId: string, shippable: boolean, taxCode: string | null = null) => ({
		productId,
		name: productId,
		description: "",
		unitAmount: 1000,
		quantity: 1,
		shippable,
		taxCode,
	});
	const cart = (...lines: ReturnType<typeof line>[]): PricedCart => ({
		currency: "usd",
		subtotal: lines.length * 1000,
		lines,
		itemsKey: "k",
	});
	const rates = [
		{
			id: "usd-standard",
			displayName: "Standard",
			translations: null,
			amount: 500,
			currency: "usd",
			minDays: 3,
			maxDays: 5,
		},
		{
			id: "usd-express",
			displayName: "Express",
			translations: JSON.stringify({ fr: { name: "Rapide" } }),
			amount: 1500,
			currency: "usd",
			minDays: 1,
			maxDays: 2,
		},
	];
	const options = (overrides: Partial<CheckoutOptions> = {}): CheckoutOptions => ({
		shippingCountries: ["FR", "US"],
		shippingRates: rates,
		promotionCodes: true,
		automaticTax: false,
		...overrides,
	});
	const params = (c: PricedCart, o: CheckoutOptions) =>
		sessionParams({ id: "ord_1", resumeToken: "tok" }, c, ORIGIN, 2_000_000_000, o);

	it("asks a shippable cart for an address, a phone and a rate, with each rate's estimate", () => {
		const p = params(cart(line("beans", true)), options());
		expect(p.shipping_address_collection).toEqual({ allowed_countries: ["FR", "US"] });
		expect(p.phone_number_collection).toEqual({ enabled: true });
		expect(p.shipping_options).toEqual([
			{
				shipping_rate_data: {
					type: "fixed_amount",
					display_name: "Standard",
					fixed_amount: { amount: 500, currency: "usd" },
					delivery_estimate: {
						minimum: { unit: "business_day", value: 3 },
						maximum: { unit: "business_day", value: 5 },
					},
					metadata: { shipping_rate_id: "usd-standard" },
				},
			},
			{
				shipping_rate_data: {
					type: "fixed_amount",
					display_name: "Express",
					fixed_amount: { amount: 1500, currency: "usd" },
					delivery_estimate: {
						minimum: { unit: "business_day", value: 1 },
						maximum: { unit: "business_day", value: 2 },
					},
					metadata: { shipping_rate_id: "usd-express" },
				},
			},
		]);
	});

	it("asks a digital-only cart for no address, phone or rate", () => {
		const p = params(cart(line("ebook", false)), options());
		expect(p).not.toHaveProperty("shipping_address_collection");
		expect(p).not.toHaveProperty("phone_number_collection");
		expect(p).not.toHaveProperty("shipping_options");
	});

	it("ships a mixed cart", () => {
		const p = params(cart(line("ebook", false), line("beans", true)), options());
		expect(p.shipping_address_collection).toEqual({ allowed_countries: ["FR", "US"] });
		expect(p.shipping_options).toHaveLength(2);
	});

	it("collects nothing when the shop ships nowhere", () => {
		const p = params(cart(line("beans", true)), options({ shippingCountries: [] }));
		expect(p).not.toHaveProperty("shipping_address_collection");
		expect(p).not.toHaveProperty("shipping_options");
	});

	it("offers promotion codes only when they are on", () => {
		expect(params(cart(line("beans", true)), options()).allow_promotion_codes).toBe(true);
		expect(
			params(cart(line("beans", true)), options({ promotionCodes: false })),
		).not.toHaveProperty("allow_promotion_codes");
	});

	it("asks for tax, tax-exclusive prices and tax codes only when automatic tax is on", () => {
		const taxed = params(
			cart(line("beans", true, "txcd_40060003"), line("ebook", false)),
			options({ automaticTax: true }),
		);
		expect(taxed.automatic_tax).toEqual({ enabled: true });
		expect(taxed.line_items?.[0]?.price_data).toMatchObject({
			tax_behavior: "exclusive",
			product_data: { tax_code: "txcd_40060003" },
		});
		expect(taxed.line_items?.[1]?.price_data?.product_data).not.toHaveProperty("tax_code");
		expect(taxed.shipping_options?.[0]?.shipping_rate_data?.tax_behavior).toBe("exclusive");

		const untaxed = params(cart(line("beans", true, "txcd_40060003")), options());
		expect(untaxed).not.toHaveProperty("automatic_tax");
		expect(untaxed.line_items?.[0]?.price_data).not.toHaveProperty("tax_behavior");
		expect(untaxed.line_items?.[0]?.price_data?.product_data).not.toHaveProperty("tax_code");
		expect(untaxed.shipping_options?.[0]?.shipping_rate_data).not.toHaveProperty("tax_behavior");
	});

	it("names each rate in the order's language, the default name where it has none", () => {
		const names = (locale?: string) =>
			sessionParams(
				{ id: "ord_1", resumeToken: "tok", ...(locale && { locale }) },
				cart(line("beans", true)),
				ORIGIN,
				2_000_000_000,
				options(),
			).shipping_options?.map((o) => o.shipping_rate_data?.display_name);
		expect(names("fr")).toEqual(["Standard", "Rapide"]);
		expect(names("en")).toEqual(["Standard", "Express"]);
		expect(names()).toEqual(["Standard", "Express"]);
	});

	it("says tax-inclusive prices are inclusive with or without automatic tax (SPEC 17)", () => {
		const shop = {
			name: "Kōhī",
			accentColor: null,
			pricesIncludeTax: true,
			sellerLine: null,
			termsAcceptance: null,
		};
		for (const automaticTax of [false, true]) {
			const sent = params(cart(line("beans", true)), options({ automaticTax, shop }));
			expect(sent.line_items?.[0]?.price_data?.tax_behavior).toBe("inclusive");
			expect(sent.shipping_options?.[0]?.shipping_rate_data?.tax_behavior).toBe("inclusive");
		}
	});
});

describe("POST /create-checkout-session with the shop's settings", () => {
	it("sends Stripe the catalog's rates of the cart's currency and the switches as set", async () => {
		const beans = await checkoutWith(SHOP, [{ productId: "espresso-beans", quantity: 1 }]);
		const sent = await createParams(beans.sessionId);
		expect(sent.shipping_address_collection).toEqual({
			allowed_countries: ["FR", "US", "DE", "JP"],
		});
		expect(sent.allow_promotion_codes).toBe("true");
		expect(sent.automatic_tax).toEqual({ enabled: "true" });
		const names = (
			sent.shipping_options as {
				shipping_rate_data: { display_name: string; fixed_amount: { currency: string } };
			}[]
		).map((o) => [o.shipping_rate_data.display_name, o.shipping_rate_data.fixed_amount.currency]);
		expect(names).toEqual([
			["Standard", "usd"],
			["Express", "usd"],
		]);

		const matcha = await checkoutWith(SHOP, [{ productId: "matcha-tin", quantity: 1 }]);
		const yen = (await createParams(matcha.sessionId)).shipping_options as {
			shipping_rate_data: { fixed_amount: { amount: string; currency: string } };
		}[];
		expect(yen.map((o) => o.shipping_rate_data.fixed_amount)).toEqual([
			{ amount: "600", currency: "jpy" },
			{ amount: "1800", currency: "jpy" },
		]);
	});

	it("sends a digital-only cart without an address step, and the switches off when off", async () => {
		const guide = await checkoutWith(
			{ ...SHOP, ALLOW_PROMOTION_CODES: "off", AUTOMATIC_TAX: "off" },
			[{ productId: "brewing-guide", quantity: 1 }],
		);
		const sent = await createParams(guide.sessionId);
		expect(sent).not.toHaveProperty("shipping_address_collection");
		expect(sent).not.toHaveProperty("shipping_options");
		expect(sent).not.toHaveProperty("allow_promotion_codes");
		expect(sent).not.toHaveProperty("automatic_tax");
	});

	it("refuses a malformed setting with a 500 naming it, before writing an order", async () => {
		for (const [name, value] of [
			["SHIPPING_COUNTRIES", "France"],
			["ALLOW_PROMOTION_CODES", "yes"],
			["AUTOMATIC_TAX", "1"],
		] as const) {
			const res = await fetchWithEnv(
				new Request(`${ORIGIN}/create-checkout-session`, {
					method: "POST",
					headers: { "content-type": "application/json" },
					body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 1 }] }),
				}),
				{ ...SHOP, [name]: value },
			);
			expect(res.status).toBe(500);
			const body = await res.json<{ error: { code: string; message: string } }>();
			expect(body.error.code).toBe("config_invalid");
			expect(body.error.message).toContain(name);
			expect(body.error.message).not.toContain(value);
		}
	});
});

/**
 * 2 × espresso beans ($48.00) shipped Express to Paris with 10 % off, tax on:
 * the emulator's rule taxes FR at 20 % of (items − discount + shipping).
 */
async function discountedPaidSession() {
	const code = await promotionCode({ percent_off: 10 });
	const answer = await checkoutWith(SHOP, [{ productId: "espresso-beans", quantity: 2 }]);
	const paid = await emulator.pay(answer.sessionId, {
		email: "camille@example.com",
		shipping: PARIS,
		shippingOption: 1,
		promotionCode: code,
	});
	expect(paid.outcome).toBe("succeeded");
	const session = paid.session;
	const paymentIntentId = paid.paymentIntent?.id;
	if (!paymentIntentId) throw new Error("no PaymentIntent");
	return { ...answer, session, paymentIntentId };
}

describe("totals from a paid session with a discount, shipping and tax", () => {
	it("records what Stripe charged, where it goes and how it was paid; the subtotal stays ours", async () => {
		const { orderId, sessionId, session } = await discountedPaidSession();
		expect(session.amount_subtotal).toBe(4800);
		expect(session.total_details).toMatchObject({ amount_discount: 480, amount_shipping: 1500 });
		const tax = session.total_details?.amount_tax ?? 0;
		expect(tax).toBeGreaterThan(0);
		expect(session.amount_total).toBe(4800 - 480 + 1500 + tax);

		expect((await deliver(await completedEvent(sessionId))).status).toBe(200);
		const order = await getOrder(orderId);
		expect(order).toMatchObject({
			status: "paid",
			subtotal: 4800,
			amount: session.amount_total,
			amountDiscount: 480,
			amountShipping: 1500,
			amountTax: tax,
			failureCode: null,
			shippingName: "Camille Martin",
			shippingLine1: "12 Rue de Rivoli",
			shippingCity: "Paris",
			shippingPostalCode: "75004",
			shippingCountry: "FR",
			shippingPhone: "+33612345678",
			shippingRateName: "Express",
			paymentLast4: "4242",
			paymentBrand: "visa",
			customerEmail: "camille@example.com",
		});
		expect(order.receiptUrl).toMatch(/^https?:\/\//);

		const shopper = await (await exports.default.fetch(`${ORIGIN}/api/orders/${orderId}`)).json();
		expect(shopper).toMatchObject({
			status: "paid",
			amount: session.amount_total,
			subtotal: 4800,
			amountDiscount: 480,
			amountShipping: 1500,
			amountTax: tax,
			shipping: { name: "Camille Martin", city: "Paris", country: "FR", rateName: "Express" },
			emailHint: "c•••@example.com",
			payment: { brand: "visa", brandName: "Visa", last4: "4242", receiptUrl: order.receiptUrl },
			fulfillment: null,
		});
		// The public view never carries the street, the phone or the whole address.
		const text = JSON.stringify(shopper);
		expect(text).not.toContain("Rivoli");
		expect(text).not.toContain("+33612345678");
		expect(text).not.toContain("camille@example.com");

		const detail = await (await admin(`/orders/${orderId}`)).json();
		expect(detail).toMatchObject({
			customerEmail: "camille@example.com",
			shipping: {
				name: "Camille Martin",
				phone: "+33612345678",
				rateName: "Express",
				address: { line1: "12 Rue de Rivoli", city: "Paris", postalCode: "75004", country: "FR" },
			},
		});
	});

	it("refunds the rest of what was charged by default, shipping and tax included", async () => {
		const { orderId, sessionId, session } = await discountedPaidSession();
		await deliver(await completedEvent(sessionId));
		const res = await admin(`/orders/${orderId}/refund`, { method: "POST" });
		expect(res.status, await res.clone().text()).toBe(200);
		expect((await res.json<{ amount: number }>()).amount).toBe(session.amount_total);
		expect((await getOrder(orderId)).status).toBe("refunded");
	});
});

describe("the mismatch rule, whichever event arrives first", () => {
	it("settles a discounted order paid through its PaymentIntent first, never flagged", async () => {
		const { orderId, sessionId, session, paymentIntentId } = await discountedPaidSession();
		expect((await deliver(await succeededEvent(paymentIntentId))).status).toBe(200);
		const first = await getOrder(orderId);
		expect(first).toMatchObject({
			status: "paid",
			amount: session.amount_total,
			failureCode: null,
		});
		expect(first.shippingCity).toBe("Paris");
		expect((await deliver(await completedEvent(sessionId))).status).toBe(200);
		const after = await getOrder(orderId);
		expect(after).toMatchObject({
			status: "paid",
			amount: session.amount_total,
			failureCode: null,
		});
		expect(after.version).toBe(first.version);
		expect((await transitionsOf(orderId)).map((t) => t.toStatus)).toEqual(["pending", "paid"]);
	});

	it("settles it session first, the PaymentIntent after changing nothing", async () => {
		const { orderId, sessionId, session, paymentIntentId } = await discountedPaidSession();
		await deliver(await completedEvent(sessionId));
		const first = await getOrder(orderId);
		expect(first).toMatchObject({ status: "paid", amount: session.amount_total });
		expect((await deliver(await succeededEvent(paymentIntentId))).status).toBe(200);
		expect((await getOrder(orderId)).version).toBe(first.version);
	});

	it("flags a tampered subtotal under either order, once", async () => {
		for (const sessionFirst of [true, false]) {
			const { orderId, sessionId, paymentIntentId } = await discountedPaidSession();
			// Somebody priced the order's items differently: our subtotal is not Stripe's.
			await env.DB.prepare("update orders set subtotal = 4000, amount = 4000 where id = ?")
				.bind(orderId)
				.run();
			const events = [await completedEvent(sessionId), await succeededEvent(paymentIntentId)];
			for (const event of sessionFirst ? events : events.reverse()) {
				expect((await deliver(event)).status).toBe(200);
			}
			const order = await getOrder(orderId);
			expect(order).toMatchObject({
				status: "pending",
				failureCode: "amount_mismatch",
				subtotal: 4000,
			});
			const alerts = await env.DB.prepare(
				"select count(*) as n from alerts where order_id = ? and kind = 'amount_mismatch'",
			)
				.bind(orderId)
				.first<{ n: number }>();
			expect(alerts?.n).toBe(1);
		}
	});
});

describe("POST /admin/orders/:id/fulfill", () => {
	async function paidOrder() {
		const paid = await discountedPaidSession();
		await deliver(await completedEvent(paid.sessionId));
		return paid;
	}

	it("marks a paid order shipped, once; the shopper sees the tracking", async () => {
		const { orderId } = await paidOrder();
		const shipment = {
			carrier: "La Poste",
			trackingNumber: "6A12345678901",
			trackingUrl: "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901",
		};
		const res = await fulfill(orderId, shipment);
		expect(res.status, await res.clone().text()).toBe(200);
		const body = await res.json<{ status: string; fulfillment: Record<string, unknown> }>();
		expect(body.status).toBe("fulfilled");
		expect(body.fulfillment).toMatchObject({ ...shipment, fulfilledAt: expect.any(String) });

		const again = await fulfill(orderId, { carrier: "DHL" });
		expect(again.status).toBe(200);
		expect((await again.json<typeof body>()).fulfillment).toMatchObject(shipment);
		expect((await transitionsOf(orderId)).map((t) => `${t.toStatus}:${t.source}`)).toEqual([
			"pending:checkout",
			"paid:webhook",
			"fulfilled:admin",
		]);
		const shopper = await (await exports.default.fetch(`${ORIGIN}/api/orders/${orderId}`)).json();
		expect(shopper).toMatchObject({ status: "fulfilled", fulfillment: shipment });
	});

	it("refuses an order that is not paid with 409 order_not_paid, and bad input with 400", async () => {
		const { orderId } = await checkoutWith(SHOP, [{ productId: "espresso-beans", quantity: 1 }]);
		const res = await fulfill(orderId, {});
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ error: { code: "order_not_paid" } });
		expect((await getOrder(orderId)).status).toBe("pending");

		const { orderId: paidId } = await paidOrder();
		const script = await fulfill(paidId, { trackingUrl: "javascript:alert(1)" });
		expect(script.status).toBe(400);
		expect(await script.json()).toMatchObject({ error: { code: "invalid_request" } });
		expect((await getOrder(paidId)).status).toBe("paid");
		expect((await fulfill(crypto.randomUUID(), {})).status).toBe(404);
	});

	it("keeps a fulfilled order fulfilled on a partial refund, and refunds it on the rest", async () => {
		const { orderId, session } = await paidOrder();
		expect((await fulfill(orderId, { carrier: "UPS" })).status).toBe(200);
		const part = await admin(`/orders/${orderId}/refund`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ amount: 1000 }),
		});
		expect(part.status, await part.clone().text()).toBe(200);
		expect(await getOrder(orderId)).toMatchObject({ status: "fulfilled", amountRefunded: 1000 });
		const rest = await admin(`/orders/${orderId}/refund`, { method: "POST" });
		expect((await rest.json<{ amount: number }>()).amount).toBe((session.amount_total ?? 0) - 1000);
		expect((await getOrder(orderId)).status).toBe("refunded");
		const refused = await fulfill(orderId, {});
		expect(refused.status).toBe(409);
	});
});
