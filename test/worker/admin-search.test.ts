/** `GET /admin/orders?q=`: an order found by its customer's e-mail, its id, its session or its PaymentIntent. */
import { exports } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { db, insertOrder } from "./helpers/db.ts";
import { uniqueId } from "./helpers/stripe-objects.ts";

async function search(q: string, extra = "") {
	const res = await exports.default.fetch(
		`${ORIGIN}/admin/orders?q=${encodeURIComponent(q)}${extra}`,
		{ headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
	);
	expect(res.status).toBe(200);
	return ((await res.json()) as { orders: { id: string }[] }).orders.map((o) => o.id);
}

describe("GET /admin/orders?q=", () => {
	it("finds orders by each key, and nothing else", async () => {
		const tag = crypto.randomUUID().slice(0, 8);
		const email = `Ada.${tag}@Example.com`;
		const paid = await insertOrder({
			status: "paid",
			customerEmail: email,
			stripePaymentIntentId: uniqueId("pi"),
		});
		const older = await insertOrder({
			status: "expired",
			customerEmail: email.toLowerCase(),
			createdAt: Date.now() - 60_000,
		});
		const other = await insertOrder({ status: "paid", customerEmail: `bob.${tag}@example.com` });

		expect(await search(email.toUpperCase())).toEqual([paid.id, older.id]);
		expect(await search(email, "&status=paid")).toEqual([paid.id]);
		expect(await search(paid.id)).toEqual([paid.id]);
		expect(await search(paid.id.toUpperCase())).toEqual([paid.id]);
		expect(await search(String(paid.stripeCheckoutSessionId))).toEqual([paid.id]);
		expect(await search(String(paid.stripePaymentIntentId))).toEqual([paid.id]);
		expect(await search(`  ${other.customerEmail}  `)).toEqual([other.id]);
		expect(await search(`nobody.${tag}@example.com`)).toEqual([]);
		expect(await search("cs_test_unknown")).toEqual([]);
	});

	it("finds an order by the number shoppers and e-mails show, in any case", async () => {
		const order = await insertOrder({ status: "paid", customerEmail: "grace@example.com" });
		const number = order.id.replace(/-/g, "").slice(0, 8).toUpperCase();
		expect(await search(number)).toEqual([order.id]);
		expect(await search(number.toLowerCase())).toEqual([order.id]);
		expect(await search(` ${number} `)).toEqual([order.id]);
		// The same number with another status filter, and a number nobody has.
		expect(await search(number, "&status=pending")).toEqual([]);
		const unused = number === "FFFFFFFF" ? "00000000" : "FFFFFFFF";
		expect(await search(unused)).toEqual([]);
	});

	it("pages through many orders of one customer", async () => {
		const email = `many.${crypto.randomUUID().slice(0, 8)}@example.com`;
		const ids: string[] = [];
		for (let i = 0; i < 5; i++)
			ids.push((await insertOrder({ customerEmail: email, createdAt: Date.now() - i * 1000 })).id);
		const res = await exports.default.fetch(
			`${ORIGIN}/admin/orders?q=${encodeURIComponent(email)}&limit=3`,
			{ headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
		);
		const first = (await res.json()) as { orders: { id: string }[]; nextCursor: string };
		expect(first.orders.map((o) => o.id)).toEqual(ids.slice(0, 3));
		expect(await search(email, `&limit=3&cursor=${first.nextCursor}`)).toEqual(ids.slice(3));
	});

	it("walks an index for every key, never the whole table", async () => {
		const plans = await Promise.all(
			[
				sql`select id from orders where lower(customer_email) = 'a@example.com' order by created_at desc`,
				sql`select id from orders where stripe_checkout_session_id = 'cs_x'`,
				sql`select id from orders where stripe_payment_intent_id = 'pi_x'`,
				sql`select id from orders where id >= '3fe56a8a-' and id < '3fe56a8a.'`,
			].map((query) => db.all<{ detail: string }>(sql`explain query plan ${query}`)),
		);
		const details = plans.map((rows) => rows.map((r) => r.detail).join(" | "));
		expect(details[3]).toMatch(
			/SEARCH orders USING (COVERING )?INDEX sqlite_autoindex_orders_1 \(id>\? AND id<\?\)/,
		);
		expect(details[0]).toContain("orders_customer_email_idx");
		expect(details[1]).toContain("orders_session_id_unique");
		expect(details[2]).toContain("orders_payment_intent_id_unique");
	});

	it("refuses an overlong q as 400 invalid_request (an empty one is not given)", async () => {
		const res = await exports.default.fetch(`${ORIGIN}/admin/orders?q=${"x".repeat(255)}`, {
			headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_request" } });
		expect((await search("", "&limit=1")).length).toBe(1);
	});
});
