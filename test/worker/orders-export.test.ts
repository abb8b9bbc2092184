/**
 * Orders out (SPEC 17): the CSV export (the list's filters, one row per order,
 * amounts in major units with the currency, every page of it) and the packing
 * slip to print.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { csvField, major } from "../../src/services/admin/orders-csv.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { adminRequest as admin } from "./helpers/admin.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { insertOrder } from "./helpers/db.ts";

const DAY = 86_400_000;
/** Rows of the CSV (its header first), after its byte order mark; a quoted field with a comma kept whole. */
async function rows(res: Response): Promise<string[][]> {
	const bytes = new Uint8Array(await res.arrayBuffer());
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const csv = new TextDecoder().decode(bytes.subarray(3));
	const lines = csv.split("\r\n").filter(Boolean);
	return lines
		.map((l) => [...l.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1] ?? ""))
		.map((r) => r.slice(0, -1));
}
const csvOf = async (query: string) => {
	const res = await admin(`/orders.csv?${query}`);
	expect(res.status).toBe(200);
	return res;
};

describe("amounts and fields in the export", () => {
	it("writes amounts in major units with the currency's own decimals", () => {
		expect(major(2400, "usd")).toBe("24.00");
		expect(major(5, "eur")).toBe("0.05");
		expect(major(1500, "jpy")).toBe("1500");
		expect(major(1234, "bhd")).toBe("1.234");
		expect(major(-250, "usd")).toBe("-2.50");
	});

	it("quotes what must be quoted, and keeps a formula a shopper wrote as text", () => {
		expect(csvField("Lovelace, Ada")).toBe('"Lovelace, Ada"');
		expect(csvField('5" vinyl')).toBe('"5"" vinyl"');
		expect(csvField('=HYPERLINK("https://evil.example")')).toBe(
			'"\'=HYPERLINK(""https://evil.example"")"',
		);
		expect(csvField("+33 1 23")).toBe("'+33 1 23");
		expect(csvField(null)).toBe("");
	});
});

describe("GET /admin/orders.csv", () => {
	it("exports the orders the list's search selects, one row each, newest first, every page of them", async () => {
		const email = `export-${crypto.randomUUID().slice(0, 8)}@example.com`;
		const now = Date.now();
		// More than two pages of a hundred.
		for (let i = 0; i < 230; i++)
			await insertOrder({
				customerEmail: email,
				status: "paid",
				paidAt: now,
				createdAt: now - i * 1000,
			});
		const res = await csvOf(`q=${encodeURIComponent(email)}`);
		expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
		expect(res.headers.get("content-disposition")).toMatch(
			/^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/,
		);
		expect(res.headers.get("cache-control")).toBe("no-store");
		const [header, ...body] = await rows(res);
		expect(header?.slice(0, 8)).toEqual([
			"number",
			"order_id",
			"created_at",
			"paid_at",
			"status",
			"customer_email",
			"currency",
			"subtotal",
		]);
		expect(body).toHaveLength(230);
		const ids = body.map((r) => r[1]);
		expect(new Set(ids).size).toBe(230);
		const created = body.map((r) => Date.parse(r[2] ?? ""));
		expect(created).toEqual([...created].sort((a, b) => b - a));
		const at = (name: string) => header?.indexOf(name) ?? -1;
		const first = body[0] ?? [];
		expect(first[at("currency")]).toBe("USD");
		expect(first[at("total")]).toBe("48.00");
		expect(first[at("net")]).toBe("48.00");
		// The product's name holds a comma: the field is quoted, one field still.
		expect(first[at("items")]).toBe('"2 × Espresso beans, 1 kg"');
	});

	it("takes the list's status and days, and a name a shopper typed stays one field", async () => {
		const email = `days-${crypto.randomUUID().slice(0, 8)}@example.com`;
		const day = Date.parse("2026-03-10T12:00:00Z");
		await insertOrder({
			customerEmail: email,
			status: "paid",
			paidAt: day,
			createdAt: day,
			shippingName: "Lovelace, Ada",
		});
		await insertOrder({
			customerEmail: email,
			status: "refunded",
			paidAt: day,
			createdAt: day,
			amountRefunded: 4800,
		});
		await insertOrder({
			customerEmail: email,
			status: "paid",
			paidAt: day,
			createdAt: day + 2 * DAY,
		});
		const q = `q=${encodeURIComponent(email)}`;
		const march10 = (await rows(await csvOf(`${q}&from=2026-03-10&to=2026-03-10`))).slice(1);
		expect(march10.map((r) => r[4]).sort()).toEqual(["paid", "refunded"]);
		const header = (await rows(await csvOf(q)))[0] ?? [];
		const paid = (await rows(await csvOf(`${q}&status=paid&to=2026-03-11`))).slice(1);
		expect(paid).toHaveLength(1);
		expect(paid[0]?.[header.indexOf("ship_to")]).toBe('"Lovelace, Ada"');
		// A checkout never paid keeps its total (what was asked) but the shop keeps nothing of it.
		await insertOrder({ customerEmail: email, status: "canceled", createdAt: day });
		const canceled = (await rows(await csvOf(`${q}&status=canceled`))).slice(1);
		expect(canceled[0]?.[header.indexOf("total")]).toBe("48.00");
		expect(canceled[0]?.[header.indexOf("net")]).toBe("0.00");
		const refunded = (await rows(await csvOf(`${q}&status=refunded`))).slice(1);
		expect(refunded[0]?.[header.indexOf("refunded")]).toBe("48.00");
		expect(refunded[0]?.[header.indexOf("net")]).toBe("0.00");
	});

	it("refuses bad filters with 400, and answers 401 without the token", async () => {
		for (const query of ["from=yesterday", "from=2026-03-11&to=2026-03-10", "status=lost"]) {
			const res = await admin(`/orders.csv?${query}`);
			expect(res.status, query).toBe(400);
		}
		expect((await admin("/orders.csv", { token: "wrong" })).status).toBe(401);
	});
});

describe("GET /admin/orders/:id/packing-slip", () => {
	it("is a page to print in the order's language: the shop, the order, where it goes, what is in it, no prices", async () => {
		const order = await insertOrder({
			status: "paid",
			paidAt: Date.parse("2026-03-10T12:00:00Z"),
			locale: "fr",
			shippingName: "Ada <Lovelace>",
			shippingLine1: "12 rue des Lilas",
			shippingCity: "Paris",
			shippingPostalCode: "75011",
			shippingCountry: "FR",
			shippingPhone: "+33 6 12 34 56 78",
			shippingRateName: "Colissimo",
		});
		const res = await exports.default.fetch(`${ORIGIN}/admin/orders/${order.id}/packing-slip`, {
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
		});
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("text/html");
		const page = await res.text();
		expect(page).toContain('<html lang="fr">');
		expect(page).toContain("<h1>Bon de livraison</h1>");
		expect(page).toContain("Commandée le 10 mars 2026");
		expect(page).toContain("Ada &lt;Lovelace&gt;<br>12 rue des Lilas<br>75011 Paris");
		expect(page).toContain('<td>Espresso beans, 1 kg</td><td class="slip-qty">2</td>');
		// The carrier to hand it to, and a phone for the courier.
		expect(page).toContain('<p class="slip-method">Livraison : Colissimo</p>');
		expect(page).toContain("<p>Téléphone : +33 6 12 34 56 78</p>");
		expect(page).toContain('<p class="slip-shop-name">Bean &amp; Leaf</p>');
		expect(page).not.toMatch(/48[.,]00/);
		expect(page).toContain('<link rel="stylesheet" href="/css/slip.css">');
	});

	it("answers 404 for an order it does not know, 401 without the token", async () => {
		expect((await admin(`/orders/${crypto.randomUUID()}/packing-slip`)).status).toBe(404);
		const order = await insertOrder({ status: "paid", paidAt: Date.now() });
		expect((await admin(`/orders/${order.id}/packing-slip`, { token: "wrong" })).status).toBe(401);
	});
});

describe("GET /admin/packing-slips?ids=", () => {
	it("prints the slips of several orders in one page, in the order asked, each in its order's language", async () => {
		const fr = await insertOrder({ status: "paid", paidAt: Date.now(), locale: "fr" });
		const en = await insertOrder({ status: "paid", paidAt: Date.now(), locale: "en" });
		const res = await admin(`/packing-slips?ids=${en.id},${fr.id},${en.id}`);
		expect(res.status).toBe(200);
		const page = await res.text();
		const slips = [...page.matchAll(/<article class="slip" lang="(\w+)">[\s\S]*?<\/article>/g)];
		// Each order once, as asked: the English one, then the French one.
		expect(slips.map((s) => s[1])).toEqual(["en", "fr"]);
		expect(slips[0]?.[0]).toContain(en.id.replace(/-/g, "").slice(0, 8).toUpperCase());
		expect(slips[1]?.[0]).toContain("<h1>Bon de livraison</h1>");
		// One page landmark for all of them.
		expect(page.match(/<main>/g)).toHaveLength(1);
	});

	it("refuses no ids, more than 50, an unknown order (naming it), and a request without the token", async () => {
		const order = await insertOrder({ status: "paid", paidAt: Date.now() });
		const none = await admin("/packing-slips?ids=,");
		expect(none.status).toBe(400);
		const many = Array.from({ length: 51 }, () => crypto.randomUUID()).join(",");
		expect((await admin(`/packing-slips?ids=${many}`)).status).toBe(400);
		const unknown = crypto.randomUUID();
		const missing = await admin(`/packing-slips?ids=${order.id},${unknown}`);
		expect(missing.status).toBe(404);
		expect(await missing.json()).toMatchObject({
			error: { code: "order_not_found", orderIds: [unknown] },
		});
		expect((await admin(`/packing-slips?ids=${order.id}`, { token: "wrong" })).status).toBe(401);
	});
});
