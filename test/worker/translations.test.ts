/**
 * Both languages to the last word (SPEC 17): a product's name and description
 * per language, the default text where the owner left one empty, in the
 * storefront's API and page, on Stripe's page and in the order's own lines.
 */
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orderItems } from "../../src/db/schema.ts";
import { adminRequest as admin } from "./helpers/admin.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN, postCheckout } from "./helpers/checkout.ts";
import { db } from "./helpers/db.ts";
import { dashboard, stripe } from "./helpers/emulator.ts";

type Listed = { id: string; name: string; description: string };

async function newProduct(translations: unknown) {
	const id = `tr-${crypto.randomUUID().slice(0, 8)}`;
	const res = await admin("/products", {
		method: "POST",
		body: {
			id,
			name: "Cold brew bottle",
			description: "One litre, glass.",
			unitAmount: 1600,
			currency: "usd",
			shippable: false,
			translations,
		},
	});
	return { id, res };
}

const listed = async (id: string, lang: string) =>
	(
		await (
			await exports.default.fetch(`${ORIGIN}/api/products?lang=${lang}`)
		).json<{
			products: Listed[];
		}>()
	).products.find((p) => p.id === id);

describe("a product in both languages", () => {
	it("is listed in the page's language, the default text where there is no translation", async () => {
		const { id, res } = await newProduct({ fr: { name: "Bouteille de cold brew" } });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({
			translations: { fr: { name: "Bouteille de cold brew" } },
		});
		expect(await listed(id, "fr")).toMatchObject({
			name: "Bouteille de cold brew",
			// Left empty in French: the default description.
			description: "One litre, glass.",
		});
		expect(await listed(id, "en")).toMatchObject({ name: "Cold brew bottle" });
		const page = await (await exports.default.fetch(`${ORIGIN}/?lang=fr`)).text();
		expect(page).toContain("<h2>Bouteille de cold brew</h2>");
	});

	it("is bought in French on Stripe's page, and the order's own line keeps the French name", async () => {
		const { id } = await newProduct({
			fr: { name: "Bouteille de cold brew", description: "Un litre, en verre." },
		});
		const res = await postCheckout({ items: [{ productId: id, quantity: 1 }], locale: "fr" });
		expect(res.status).toBe(200);
		const { sessionId, orderId } = await res.json<{ sessionId: string; orderId: string }>();
		const items = await dashboard().checkout.sessions.listLineItems(sessionId);
		expect(items.data[0]?.description).toBe("Bouteille de cold brew");
		const [line] = await db.select().from(orderItems).where(eq(orderItems.orderId, orderId));
		expect(line?.name).toBe("Bouteille de cold brew");
	});

	it("is edited: an unchanged translation is no change, a cleared one is gone", async () => {
		const { id } = await newProduct({ fr: { name: "Bouteille" } });
		const same = await admin(`/products/${id}`, {
			method: "PATCH",
			body: { translations: { fr: { name: "Bouteille" } } },
		});
		expect(same.status).toBe(200);
		const detail = async () =>
			(await admin(`/products/${id}`)).json<{
				changes: { action: string }[];
				translations: unknown;
			}>();
		expect((await detail()).changes.map((c) => c.action)).toEqual(["create"]);
		await admin(`/products/${id}`, { method: "PATCH", body: { translations: null } });
		expect((await detail()).translations).toEqual({});
		expect(await listed(id, "fr")).toMatchObject({ name: "Cold brew bottle" });
	});

	it.each([
		[{ de: { name: "Flasche" } }],
		[{ fr: { name: "x".repeat(201) } }],
		[{ fr: { title: "Bouteille" } }],
		["Bouteille"],
	])("refuses %o, naming translations", async (translations) => {
		const { res } = await newProduct(translations);
		expect(res.status).toBe(400);
		const { error } = await res.json<{ error: { code: string; field: string } }>();
		expect(error).toMatchObject({ code: "invalid_product", field: "translations" });
	});
});

describe("A shipping rate in both languages", () => {
	it("is named on Stripe's page in the order's language, the default name in English", async () => {
		const names = async (locale: string) => {
			const res = await fetchWithEnv(
				new Request(`${ORIGIN}/create-checkout-session`, {
					method: "POST",
					headers: { "content-type": "application/json" },
					body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 1 }], locale }),
				}),
				{ SHIPPING_COUNTRIES: "FR,US" },
			);
			expect(res.status).toBe(200);
			const { sessionId } = await res.json<{ sessionId: string }>();
			const session = await stripe().checkout.sessions.retrieve(sessionId, {
				expand: ["shipping_options.shipping_rate"],
			});
			return session.shipping_options.map((o) =>
				typeof o.shipping_rate === "object" ? o.shipping_rate.display_name : null,
			);
		};
		// The demo seed's rates carry French names (seeds/demo.sql).
		expect(await names("fr")).toEqual(["Normale", "Rapide"]);
		expect(await names("en")).toEqual(["Standard", "Express"]);
	});
});
