/**
 * The operator's catalog (SPEC 11): create, edit, deactivate, stock; each bad
 * field named in `error.field`; every change audited; orders never touched.
 */
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { catalogChanges, orderItems } from "../../src/db/schema.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { adminRequest } from "./helpers/admin.ts";
import { checkout, ORIGIN, postCheckout } from "./helpers/checkout.ts";
import { db, getOrder } from "./helpers/db.ts";

type Product = {
	id: string;
	name: string;
	unitAmount: number;
	currency: string;
	minorUnits: number;
	active: boolean;
	shippable: boolean;
	stock: number | null;
	reserved: number;
	taxCode: string | null;
};
type Change = {
	action: string;
	actor: string;
	changes: Record<string, { from: unknown; to: unknown }>;
	at: string;
};

const admin = adminRequest;

const newId = () => `p-${crypto.randomUUID().slice(0, 8)}`;
const valid = (id = newId()) => ({ id, name: "Cold brew kit", unitAmount: 3500, currency: "usd" });

async function create(fields: Record<string, unknown> = {}): Promise<Product> {
	const res = await admin("/products", { method: "POST", body: { ...valid(), ...fields } });
	if (res.status !== 200) throw new Error(`create answered ${res.status}: ${await res.text()}`);
	return res.json<Product>();
}

const storefront = async () =>
	(
		await (
			await exports.default.fetch(`${ORIGIN}/api/products`)
		).json<{
			products: { id: string; unitAmount: number; available: number | null; name: string }[];
		}>()
	).products;

const trail = async (id: string) =>
	(await (await admin(`/products/${id}`)).json<{ changes: Change[] }>()).changes;

describe("POST /admin/products", () => {
	it("creates a product with defaults, shown to shoppers at once, audited with the token's fingerprint", async () => {
		const product = await create({ stock: 4, currency: "USD" });
		expect(product).toMatchObject({
			currency: "usd",
			minorUnits: 2,
			active: true,
			shippable: true,
			stock: 4,
			reserved: 0,
			taxCode: null,
			description: "",
		});
		expect((await storefront()).find((p) => p.id === product.id)).toMatchObject({
			unitAmount: 3500,
			available: 4,
		});
		const [created] = await trail(product.id);
		expect(created?.action).toBe("create");
		expect(created?.actor).toMatch(/^admin-token:[0-9a-f]{8}$/);
		expect(JSON.stringify(created)).not.toContain(TEST_ADMIN_TOKEN);
		expect(created?.changes.unitAmount).toEqual({ from: null, to: 3500 });
		expect(created?.changes.stock).toEqual({ from: null, to: 4 });
	});

	it.each([
		["id", "Bad Id"],
		["id", ""],
		["id", "x".repeat(65)],
		["id", 12],
		["name", ""],
		["name", "   "],
		["name", "n".repeat(201)],
		["description", "d".repeat(2001)],
		["description", 5],
		["unitAmount", 0],
		["unitAmount", -5],
		["unitAmount", 12.5],
		["unitAmount", 100_000_000],
		["unitAmount", "3500"],
		["currency", "dollars"],
		["currency", "xyz"],
		["currency", 840],
		["shippable", "yes"],
		["active", 1],
		["stock", -1],
		["stock", 2.5],
		["stock", 1_000_001],
		["stock", "5"],
		["taxCode", "tax_1"],
		["recurringInterval", "week"],
		["recurringInterval", 1],
		["unitamount", 10],
	])(
		"refuses %s = %j: 400 invalid_product naming the field, nothing created",
		async (field, value) => {
			const body = { ...valid(), [field]: value };
			const res = await admin("/products", { method: "POST", body });
			expect(res.status).toBe(400);
			const { error } = await res.json<{
				error: { code: string; field: string; message: string };
			}>();
			expect(error).toMatchObject({ code: "invalid_product", field });
			expect(error.message.length).toBeGreaterThan(5);
			const all = (await (await admin("/products")).json<{ products: Product[] }>()).products;
			expect(all.length).toBeGreaterThan(0);
			expect(all.map((p) => p.id)).not.toContain(body.id);
		},
	);

	it("makes a plan with recurringInterval (SPEC 15): listed per month, sold only as a subscription", async () => {
		const body = { ...valid(), recurringInterval: "month" };
		const res = await admin("/products", { method: "POST", body });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ id: body.id, recurringInterval: "month" });
		const listed = (await storefront()).find((p) => p.id === body.id) as
			| { recurringInterval?: string | null }
			| undefined;
		expect(listed?.recurringInterval).toBe("month");
		// A guest's cart holding it: a plan needs a signed-in customer.
		const guest = await postCheckout({ items: [{ productId: body.id, quantity: 1 }] });
		expect(guest.status).toBe(401);
	});

	it("refuses a missing required field by its name", async () => {
		for (const field of ["id", "name", "unitAmount", "currency"]) {
			const body: Record<string, unknown> = valid();
			delete body[field];
			const res = await admin("/products", { method: "POST", body });
			expect(res.status).toBe(400);
			expect((await res.json<{ error: { field: string } }>()).error.field).toBe(field);
		}
	});

	it("refuses an id that exists: 409 product_exists", async () => {
		const product = await create();
		const res = await admin("/products", { method: "POST", body: valid(product.id) });
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ error: { code: "product_exists", field: "id" } });
	});

	it("needs the admin token", async () => {
		const res = await admin("/products", { method: "POST", body: valid(), token: "wrong" });
		expect(res.status).toBe(401);
		expect((await admin("/products", { token: "wrong" })).status).toBe(401);
	});
});

describe("GET /admin/products", () => {
	it("lists inactive products too, and every currency a product may be created in with its minor units", async () => {
		const hidden = await create({ active: false });
		const res = await admin("/products");
		expect(res.status).toBe(200);
		const { products, currencies } = await res.json<{
			products: Product[];
			currencies: Record<string, number>;
		}>();
		expect(products.find((p) => p.id === hidden.id)).toMatchObject({ active: false });
		// Stripe's rule, from the worker's one table: the console reads a new price by it.
		expect(currencies).toMatchObject({ usd: 2, eur: 2, jpy: 0, krw: 0, kwd: 3, bhd: 3 });
		expect(currencies.xyz).toBeUndefined();
		// The same table the API checks a new product's currency against.
		const refused = await admin("/products", {
			method: "POST",
			body: { ...valid(), currency: "xyz" },
		});
		expect(refused.status).toBe(400);
	});
});

describe("PATCH /admin/products/:id", () => {
	it("changes the price for new checkouts only: an existing order keeps its snapshot", async () => {
		const product = await create({ unitAmount: 1000 });
		const before = await checkout([{ productId: product.id, quantity: 2 }]);
		const res = await admin(`/products/${product.id}`, {
			method: "PATCH",
			body: { unitAmount: 1500, name: "Renamed kit" },
		});
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ unitAmount: 1500, name: "Renamed kit" });

		const order = await getOrder(before.orderId);
		expect(order).toMatchObject({ amount: 2000, subtotal: 2000 });
		const [line] = await db.select().from(orderItems).where(eq(orderItems.orderId, order.id));
		expect(line).toMatchObject({ unitAmount: 1000, name: "Cold brew kit" });

		const after = await checkout([{ productId: product.id, quantity: 2 }]);
		expect((await getOrder(after.orderId)).subtotal).toBe(3000);
		const [latest] = await trail(product.id);
		expect(latest).toMatchObject({
			action: "update",
			changes: {
				unitAmount: { from: 1000, to: 1500 },
				name: { from: "Cold brew kit", to: "Renamed kit" },
			},
		});
	});

	it("deactivating hides it from the storefront and refuses it at checkout; reactivating brings it back", async () => {
		const product = await create();
		await admin(`/products/${product.id}`, { method: "PATCH", body: { active: false } });
		expect((await storefront()).map((p) => p.id)).not.toContain(product.id);
		expect((await admin("/products")).status).toBe(200);
		const all = (await (await admin("/products")).json<{ products: Product[] }>()).products;
		expect(all.find((p) => p.id === product.id)?.active).toBe(false);
		const res = await postCheckout({ items: [{ productId: product.id, quantity: 1 }] });
		expect(res.status).toBe(400);
		await admin(`/products/${product.id}`, { method: "PATCH", body: { active: true } });
		expect((await storefront()).map((p) => p.id)).toContain(product.id);
	});

	it.each([
		["id", "other-id"],
		["currency", "eur"],
		["unitAmount", 0],
		["name", ""],
		["stock", -2],
		["taxCode", "txcd_123"],
		["recurringInterval", "fortnight"],
		["colour", "red"],
	])("refuses %s = %j, naming the field, and changes nothing", async (field, value) => {
		const product = await create();
		const res = await admin(`/products/${product.id}`, {
			method: "PATCH",
			body: { [field]: value },
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_product", field } });
		expect(await (await admin(`/products/${product.id}`)).json()).toMatchObject({
			id: product.id,
			currency: "usd",
			unitAmount: 3500,
			name: "Cold brew kit",
		});
		expect((await trail(product.id)).map((c) => c.action)).toEqual(["create"]);
	});

	it("an unchanged value is not audited; an unknown product is 404", async () => {
		const product = await create();
		await admin(`/products/${product.id}`, { method: "PATCH", body: { unitAmount: 3500 } });
		expect((await trail(product.id)).map((c) => c.action)).toEqual(["create"]);
		const res = await admin("/products/no-such-product", { method: "PATCH", body: { name: "x" } });
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: { code: "product_not_found" } });
	});
});

describe("POST /admin/products/:id/stock", () => {
	const stock = (id: string, body: unknown) =>
		admin(`/products/${id}/stock`, { method: "POST", body });

	it("set and add (negative too), each audited from → to", async () => {
		const product = await create({ stock: 2 });
		expect(await (await stock(product.id, { add: 5 })).json()).toMatchObject({ stock: 7 });
		expect(await (await stock(product.id, { add: -3 })).json()).toMatchObject({ stock: 4 });
		expect(await (await stock(product.id, { set: 10 })).json()).toMatchObject({ stock: 10 });
		expect(await (await stock(product.id, { set: null })).json()).toMatchObject({ stock: null });
		const changes = (await trail(product.id)).filter((c) => c.action === "stock");
		expect(changes.map((c) => c.changes.stock)).toEqual([
			{ from: 10, to: null },
			{ from: 4, to: 10 },
			{ from: 7, to: 4 },
			{ from: 2, to: 7 },
		]);
	});

	it("set counts from now on whatever is reserved; the reserved units show beside it", async () => {
		const product = await create({ stock: 5 });
		await checkout([{ productId: product.id, quantity: 2 }]);
		const res = await stock(product.id, { set: 8 });
		expect(await res.json()).toMatchObject({ stock: 8, reserved: 2 });
		expect((await storefront()).find((p) => p.id === product.id)?.available).toBe(8);
	});

	it("never below zero: 409 insufficient_stock; add on unlimited stock is refused", async () => {
		const limited = await create({ stock: 1 });
		const res = await stock(limited.id, { add: -2 });
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({
			error: { code: "insufficient_stock", field: "add" },
		});
		const unlimited = await create();
		const refused = await stock(unlimited.id, { add: 3 });
		expect(refused.status).toBe(400);
		expect(await refused.json()).toMatchObject({
			error: { code: "invalid_product", field: "add" },
		});
		const audit = await db
			.select()
			.from(catalogChanges)
			.where(eq(catalogChanges.productId, limited.id));
		expect(audit.map((c) => c.action)).toEqual(["create"]);
	});

	it("never above the 1,000,000 that create and set allow: an add past it is refused and changes nothing", async () => {
		const full = await create({ stock: 999_990 });
		const res = await stock(full.id, { add: 11 });
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({
			error: { code: "invalid_product", field: "add", message: expect.stringContaining("1000000") },
		});
		expect((await storefront()).find((p) => p.id === full.id)?.available).toBe(999_990);
		expect((await stock(full.id, { add: 10 })).status).toBe(200);
		expect((await storefront()).find((p) => p.id === full.id)?.available).toBe(1_000_000);
		const audit = await db
			.select()
			.from(catalogChanges)
			.where(eq(catalogChanges.productId, full.id));
		expect(audit.map((c) => c.action)).toEqual(["create", "stock"]);
	});

	it.each([
		[{}, "set"],
		[{ add: 0 }, "add"],
		[{ add: 1.5 }, "add"],
		[{ add: "3" }, "add"],
		[{ set: -1 }, "set"],
		[{ set: 2, add: 1 }, "set"],
	])("refuses %j naming %s", async (body, field) => {
		const product = await create({ stock: 3 });
		const res = await stock(product.id, body);
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_product", field } });
		expect(await (await admin(`/products/${product.id}`)).json()).toMatchObject({ stock: 3 });
	});

	it("an unknown product is 404", async () => {
		const res = await stock("no-such-product", { set: 1 });
		expect(res.status).toBe(404);
	});
});
