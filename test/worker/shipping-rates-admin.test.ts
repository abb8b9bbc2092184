/**
 * Shipping rates in the console (SPEC 17): created, edited and deactivated per
 * currency with the catalog's validation and audit; their French names and a
 * free-shipping threshold reach Stripe's page.
 */
import { describe, expect, it } from "vitest";
import { adminRequest as admin } from "./helpers/admin.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { stripe } from "./helpers/emulator.ts";

type Rate = { id: string; amount: number; active: boolean; freeAbove: number | null };

/** The rates (name, amount) Stripe's page offers for this cart; each test uses a currency of its own. */
async function offered(productId: string, quantity: number, locale = "en") {
	const res = await fetchWithEnv(
		new Request(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ items: [{ productId, quantity }], locale }),
		}),
		{ SHIPPING_COUNTRIES: "FR" },
	);
	expect(res.status, await res.clone().text()).toBe(200);
	const { sessionId } = await res.json<{ sessionId: string }>();
	const session = await stripe().checkout.sessions.retrieve(sessionId, {
		expand: ["shipping_options.shipping_rate"],
	});
	return session.shipping_options.map((o) =>
		typeof o.shipping_rate === "object"
			? [o.shipping_rate.display_name, o.shipping_rate.fixed_amount?.amount]
			: null,
	);
}

/** A shippable product in `currency`, priced `unitAmount`. */
async function product(currency: string, unitAmount: number): Promise<string> {
	const id = `ship-${crypto.randomUUID().slice(0, 8)}`;
	const res = await admin("/products", {
		method: "POST",
		body: { id, name: "Coffee tin", unitAmount, currency, shippable: true },
	});
	expect(res.status).toBe(200);
	return id;
}

describe("shipping rates in the console", () => {
	it("are created, renamed in French, given a free-shipping threshold, and Stripe's page shows them", async () => {
		const currency = "nok";
		const created = await admin("/shipping-rates", {
			method: "POST",
			body: {
				id: "nok-post",
				displayName: "Post",
				translations: { fr: { name: "La Poste" } },
				amount: 9900,
				currency: "NOK",
				minDays: 2,
				maxDays: 4,
				freeAbove: 50000,
			},
		});
		expect(created.status, await created.clone().text()).toBe(200);
		expect(await created.json()).toMatchObject({
			id: "nok-post",
			currency: "nok",
			translations: { fr: { name: "La Poste" } },
			freeAbove: 50000,
			active: true,
			changes: [{ action: "create" }],
		});
		const small = await product(currency, 20000);
		expect(await offered(small, 1)).toEqual([["Post", 9900]]);
		expect(await offered(small, 1, "fr")).toEqual([["La Poste", 9900]]);
		// From 500 NOK of goods on, it costs nothing.
		expect(await offered(small, 3)).toEqual([["Post", 0]]);

		const edited = await admin("/shipping-rates/nok-post", {
			method: "PATCH",
			body: { amount: 12900, translations: { fr: { name: "Colis postal" } }, freeAbove: null },
		});
		expect(edited.status).toBe(200);
		const detail = await edited.json<{ changes: { action: string; changes: object }[] }>();
		expect(detail.changes.at(-1)).toMatchObject({
			action: "update",
			changes: {
				amount: { from: 9900, to: 12900 },
				freeAbove: { from: 50000, to: null },
			},
		});
		expect(await offered(small, 3, "fr")).toEqual([["Colis postal", 12900]]);

		await admin("/shipping-rates/nok-post", { method: "PATCH", body: { active: false } });
		expect(await offered(small, 1)).toEqual([]);
		const listed = await (await admin("/shipping-rates")).json<{ rates: Rate[] }>();
		expect(listed.rates.find((r) => r.id === "nok-post")).toMatchObject({ active: false });
	});

	it("changes nothing when nothing differs", async () => {
		await admin("/shipping-rates", {
			method: "POST",
			body: { id: "sek-post", displayName: "Post", amount: 5900, currency: "sek" },
		});
		const same = await admin("/shipping-rates/sek-post", {
			method: "PATCH",
			body: { amount: 5900 },
		});
		expect((await same.json<{ changes: unknown[] }>()).changes).toHaveLength(1);
	});

	it.each([
		[{ id: "Bad Id", displayName: "x", amount: 100, currency: "usd" }, "id"],
		[{ id: "r1", displayName: "", amount: 100, currency: "usd" }, "displayName"],
		[{ id: "r2", displayName: "x", amount: -1, currency: "usd" }, "amount"],
		[{ id: "r3", displayName: "x", amount: 100, currency: "xyz" }, "currency"],
		[
			{ id: "r4", displayName: "x", amount: 100, currency: "usd", minDays: 5, maxDays: 2 },
			"minDays",
		],
		[{ id: "r5", displayName: "x", amount: 100, currency: "usd", freeAbove: 0 }, "freeAbove"],
		[{ id: "r6", displayName: "x", amount: 100, currency: "usd", countries: ["FRA"] }, "countries"],
		[{ id: "r7", displayName: "x", amount: 100, currency: "usd", countries: [] }, "countries"],
		[{ id: "r8", displayName: "x", amount: 100, currency: "usd", countries: "FR" }, "countries"],
	])("refuses %o, naming %s", async (body, field) => {
		const res = await admin("/shipping-rates", { method: "POST", body });
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_shipping_rate", field } });
		expect((await admin(`/shipping-rates/${body.id}`)).status).toBe(404);
	});

	it("refuses a second rate with the same id, a currency change, and strangers", async () => {
		const body = { id: "dkk-post", displayName: "Post", amount: 4900, currency: "dkk" };
		expect((await admin("/shipping-rates", { method: "POST", body })).status).toBe(200);
		const again = await admin("/shipping-rates", { method: "POST", body });
		expect(again.status).toBe(409);
		expect(await again.json()).toMatchObject({ error: { code: "shipping_rate_exists" } });
		const moved = await admin("/shipping-rates/dkk-post", {
			method: "PATCH",
			body: { currency: "eur" },
		});
		expect(moved.status).toBe(400);
		expect(
			(await admin("/shipping-rates/nope", { method: "PATCH", body: { amount: 1 } })).status,
		).toBe(404);
		expect((await admin("/shipping-rates", { token: "wrong" })).status).toBe(401);
	});
});

describe("a rate for some countries", () => {
	/** Stripe's page for this cart, bought for `country` (or none chosen), the shop shipping to FR, BE and US. */
	async function checkoutTo(
		productId: string,
		country?: string,
		resume?: { orderId: string; resumeToken: string },
	) {
		const res = await fetchWithEnv(
			new Request(`${ORIGIN}/create-checkout-session`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({
					items: [{ productId, quantity: 1 }],
					...(country && { country }),
					...resume,
				}),
			}),
			{ SHIPPING_COUNTRIES: "FR,BE,US" },
		);
		return res;
	}
	async function sessionOf(res: Response) {
		expect(res.status, await res.clone().text()).toBe(200);
		const { sessionId } = await res.json<{ sessionId: string }>();
		const session = await stripe().checkout.sessions.retrieve(sessionId, {
			expand: ["shipping_options.shipping_rate"],
		});
		return {
			countries: session.shipping_address_collection?.allowed_countries,
			rates: session.shipping_options.map((o) =>
				typeof o.shipping_rate === "object" ? o.shipping_rate.display_name : null,
			),
		};
	}

	it("is offered only when the cart names one of its countries, and Stripe's page asks an address there", async () => {
		const currency = "chf";
		const everywhere = { displayName: "Post", amount: 9900, currency };
		expect(
			(await admin("/shipping-rates", { method: "POST", body: { id: "chf-post", ...everywhere } }))
				.status,
		).toBe(200);
		const created = await admin("/shipping-rates", {
			method: "POST",
			body: {
				id: "chf-colissimo",
				displayName: "Colissimo",
				amount: 4900,
				currency,
				countries: ["fr", "BE", "FR"],
			},
		});
		expect(await created.json()).toMatchObject({ countries: ["BE", "FR"] });
		const item = await product(currency, 20000);

		expect(await sessionOf(await checkoutTo(item, "fr"))).toEqual({
			countries: ["FR"],
			rates: ["Colissimo", "Post"],
		});
		expect(await sessionOf(await checkoutTo(item, "US"))).toEqual({
			countries: ["US"],
			rates: ["Post"],
		});
		// No destination chosen (a form without it): every country, the rates for every country.
		expect(await sessionOf(await checkoutTo(item))).toEqual({
			countries: ["FR", "BE", "US"],
			rates: ["Post"],
		});
		const abroad = await checkoutTo(item, "JP");
		expect(abroad.status).toBe(400);
		expect(await abroad.json()).toMatchObject({ error: { code: "invalid_cart" } });
		expect((await checkoutTo(item, "France")).status).toBe(400);

		// Every country again: offered without a destination.
		const patched = await admin("/shipping-rates/chf-colissimo", {
			method: "PATCH",
			body: { countries: null },
		});
		expect(await patched.json()).toMatchObject({
			countries: null,
			changes: [
				{ action: "create" },
				{ changes: { countries: { from: '["BE","FR"]', to: null } } },
			],
		});
		expect((await sessionOf(await checkoutTo(item))).rates).toEqual(["Colissimo", "Post"]);
	});

	it("resumes the same session for the same destination, and starts another for another one", async () => {
		const item = await product("chf", 3000);
		type Answer = { orderId: string; sessionId: string; resumeToken: string };
		const first = await (await checkoutTo(item, "FR")).json<Answer>();
		const again = await (await checkoutTo(item, "FR", first)).json<Answer>();
		expect(again.sessionId).toBe(first.sessionId);
		// From the cancel page (no destination named): the session's own.
		expect((await (await checkoutTo(item, undefined, first)).json<Answer>()).sessionId).toBe(
			first.sessionId,
		);
		const moved = await checkoutTo(item, "BE", first);
		const { sessionId } = await moved.clone().json<Answer>();
		expect(sessionId).not.toBe(first.sessionId);
		expect((await sessionOf(moved)).countries).toEqual(["BE"]);
	});

	it("makes the storefront's cart ask where the goods go, among the shop's countries", async () => {
		const page = async () =>
			(
				await fetchWithEnv(new Request(`${ORIGIN}/`, { headers: { accept: "text/html" } }), {
					SHIPPING_COUNTRIES: "FR,BE",
				})
			).text();
		expect(await page()).not.toContain("data-ships-to");
		await admin("/shipping-rates", {
			method: "POST",
			body: {
				id: "pln-kurier",
				displayName: "Kurier",
				amount: 1500,
				currency: "pln",
				countries: ["BE"],
			},
		});
		expect(await page()).toContain('data-ships-to="FR,BE"');
		await admin("/shipping-rates/pln-kurier", { method: "PATCH", body: { active: false } });
		expect(await page()).not.toContain("data-ships-to");
	});
});
