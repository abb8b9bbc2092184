/**
 * Stock (SPEC 11): a checkout reserves in the batch that writes its order; the
 * reservation comes back exactly once when the order becomes expired or
 * canceled, whichever path notices; money for a released order takes it again
 * or raises `oversold`. Each test makes its own products, so no other test (or
 * file) can change the counts it reads.
 */
import { exports } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alerts, orderItems, orders, products } from "../../src/db/schema.ts";
import { applyFact } from "../../src/services/orders/apply-fact.ts";
import { reconcile } from "../../src/services/orders/reconcile.ts";
import { ORIGIN, checkout as postCart, postCheckout, uniqueOrigin } from "./helpers/checkout.ts";
import {
	db,
	getOrder,
	insertOrder,
	insertProduct,
	stockOf,
	testDeps,
	transitionsOf,
} from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";
import { events } from "./helpers/stripe-events.ts";
import { completedSession, sessionOfOrder, stripeEvent } from "./helpers/stripe-objects.ts";
import { deliver } from "./helpers/webhooks.ts";

/** A checkout whose events (built by `events`) carry its real Checkout Session. */
async function checkout(...args: Parameters<typeof postCart>) {
	const answer = await postCart(...args);
	sessionOfOrder.set(answer.orderId, answer.sessionId);
	return answer;
}

const ordersWith = async (productId: string) =>
	(
		await db
			.select({ n: sql<number>`count(*)` })
			.from(orderItems)
			.where(eq(orderItems.productId, productId))
	)[0]?.n;

/** Stripe's word that the order's session was paid, for `amount` (no discount, shipping or tax). */
const paidEvent = (orderId: string, amount: number) =>
	stripeEvent(
		"checkout.session.completed",
		completedSession({
			orderId,
			amount_subtotal: amount,
			amount_total: amount,
			total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
		}),
	);

const alertsOf = (orderId: string) =>
	db.select().from(alerts).where(eq(alerts.orderId, orderId)).orderBy(alerts.id);

const runReconcile = () =>
	reconcile(
		{ ...testDeps(), stripe: stripe(), liveMode: false },
		{ graceSeconds: 0, maxOrders: 100, maxStripeCalls: 200 },
	);

describe("reservation at checkout", () => {
	it("takes the units in the order's batch, records them per line, and leaves unlimited products alone", async () => {
		const limited = await insertProduct(5);
		const unlimited = await insertProduct(null);
		const answer = await checkout([
			{ productId: limited, quantity: 2 },
			{ productId: unlimited, quantity: 3 },
		]);
		expect(await stockOf(limited)).toBe(3);
		expect(await stockOf(unlimited)).toBeNull();
		const lines = await db
			.select()
			.from(orderItems)
			.where(eq(orderItems.orderId, answer.orderId))
			.orderBy(orderItems.productId);
		expect(Object.fromEntries(lines.map((l) => [l.productId, l.reserved]))).toEqual({
			[limited]: 2,
			[unlimited]: 0,
		});

		const res = await exports.default.fetch(`${ORIGIN}/api/products`);
		expect(res.headers.get("cache-control")).toBe("no-store");
		const listed = (await res.json<{ products: { id: string; available: number | null }[] }>())
			.products;
		expect(listed.find((p) => p.id === limited)?.available).toBe(3);
		expect(listed.find((p) => p.id === unlimited)?.available).toBeNull();
	});

	it("refuses a cart asking for more than is left: 409 out_of_stock naming the products, nothing written or reserved", async () => {
		const short = await insertProduct(1);
		const plenty = await insertProduct(10);
		const res = await postCheckout({
			items: [
				{ productId: plenty, quantity: 2 },
				{ productId: short, quantity: 2 },
			],
		});
		expect(res.status).toBe(409);
		const body = await res.json<{
			error: { code: string; productIds: string[]; message: string };
		}>();
		expect(body.error.code).toBe("out_of_stock");
		expect(body.error.productIds).toEqual([short]);
		expect(body.error.message).toContain("only 1 left");
		expect(await ordersWith(short)).toBe(0);
		expect(await ordersWith(plenty)).toBe(0);
		expect(await stockOf(plenty)).toBe(10);
		expect(await stockOf(short)).toBe(1);
	});

	it("keeps a sold-out product listed with available 0, and refuses it", async () => {
		const soldOut = await insertProduct(0);
		const listed = (
			await (
				await exports.default.fetch(`${ORIGIN}/api/products`)
			).json<{
				products: { id: string; available: number | null }[];
			}>()
		).products;
		expect(listed.find((p) => p.id === soldOut)?.available).toBe(0);
		const res = await postCheckout({ items: [{ productId: soldOut, quantity: 1 }] });
		expect(res.status).toBe(409);
		expect((await res.json<{ error: { message: string } }>()).error.message).toContain("sold out");
	});

	it("answers a browser's Buy now form with the shop's 409 page", async () => {
		const soldOut = await insertProduct(0);
		const res = await exports.default.fetch(`${ORIGIN}/create-checkout-session`, {
			method: "POST",
			headers: {
				"content-type": "application/x-www-form-urlencoded",
				accept: "text/html",
				origin: ORIGIN,
				"accept-language": "fr",
			},
			body: new URLSearchParams({ productId: soldOut, quantity: "1" }).toString(),
			redirect: "manual",
		});
		expect(res.status).toBe(409);
		const page = await res.text();
		expect(page).toContain("Certains articles sont épuisés");
		expect(page).toMatch(/<a [^>]*href="\/"/);
	});

	it("shows Only n left and a disabled Sold out button without JavaScript, in the shopper's language", async () => {
		const low = await insertProduct(3);
		const soldOut = await insertProduct(0);
		const page = await (
			await exports.default.fetch(`${ORIGIN}/`, { headers: { "accept-language": "fr" } })
		).text();
		const card = (id: string) =>
			page.slice(page.indexOf(`value="${id}"`) - 600, page.indexOf(`value="${id}"`) + 700);
		expect(card(low)).toContain("Plus que 3 en stock");
		expect(card(low)).toContain('max="3"');
		expect(card(soldOut)).toMatch(/<button type="submit" class="btn btn-primary" disabled>Épuisé/);
	});

	it("gives the last units to exactly as many shoppers as they cover, whatever the race (seeded)", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 1, max: 6 }),
				fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 14 }),
				async (units, wants) => {
					const id = await insertProduct(units);
					const answers = await Promise.all(
						wants.map((quantity) => postCheckout({ items: [{ productId: id, quantity }] })),
					);
					const left = (await stockOf(id)) ?? -1;
					const granted = wants.filter((_, i) => answers[i]?.status === 200);
					for (const res of answers) expect([200, 409]).toContain(res.status);
					// Never oversold, and what was taken is exactly what the orders hold.
					expect(left).toBeGreaterThanOrEqual(0);
					expect(granted.reduce((a, b) => a + b, 0)).toBe(units - left);
					expect(await ordersWith(id)).toBe(granted.length);
					// Stock only fell during the race: each refused shopper wanted more than is left now.
					for (const [i, quantity] of wants.entries())
						if (answers[i]?.status === 409) expect(quantity).toBeGreaterThan(left);
				},
			),
			{ seed: 20261201, numRuns: 6 },
		);
	});

	it("one unit, twelve shoppers at once: exactly one order", async () => {
		const id = await insertProduct(1);
		const answers = await Promise.all(
			Array.from({ length: 12 }, () => postCheckout({ items: [{ productId: id, quantity: 1 }] })),
		);
		expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
		expect(answers.filter((r) => r.status === 409)).toHaveLength(11);
		expect(await stockOf(id)).toBe(0);
		expect(await ordersWith(id)).toBe(1);
	});
});

describe("release, exactly once, whichever path notices", () => {
	it("checkout.session.expired gives the units back; a second copy and reconciliation do not", async () => {
		const id = await insertProduct(4);
		const answer = await checkout([{ productId: id, quantity: 3 }]);
		expect(await stockOf(id)).toBe(1);
		await emulator.expire(answer.sessionId);
		const event = events.expired({ id: answer.orderId, amount: 3000 });
		expect((await deliver(event)).status).toBe(200);
		expect(await stockOf(id)).toBe(4);
		expect((await deliver(events.expired({ id: answer.orderId, amount: 3000 }))).status).toBe(200);
		await runReconcile();
		await exports.default.fetch(`${ORIGIN}/api/orders/by-session/${answer.sessionId}`);
		expect(await stockOf(id)).toBe(4);
		expect((await getOrder(answer.orderId)).status).toBe("expired");
	});

	it("reconciliation returns an abandoned session's units when its expired webhook was lost", async () => {
		const id = await insertProduct(2);
		const answer = await checkout([{ productId: id, quantity: 2 }]);
		expect(await stockOf(id)).toBe(0);
		// Stripe expires the session; its webhook never arrives (none is configured here).
		await emulator.expire(answer.sessionId);
		await runReconcile();
		expect((await getOrder(answer.orderId)).status).toBe("expired");
		expect(await stockOf(id)).toBe(2);
		const steps = await transitionsOf(answer.orderId);
		expect(steps.at(-1)).toMatchObject({ toStatus: "expired", source: "reconcile" });
	});

	it("the success page's sync returns them when it is the first to see the expiry", async () => {
		const id = await insertProduct(2);
		const answer = await checkout([{ productId: id, quantity: 1 }]);
		await emulator.expire(answer.sessionId);
		const res = await exports.default.fetch(`${ORIGIN}/api/orders/by-session/${answer.sessionId}`);
		expect((await res.json<{ status: string }>()).status).toBe("expired");
		expect(await stockOf(id)).toBe(2);
	});

	it("a declined order (failed) that expires gives its units back too", async () => {
		const id = await insertProduct(3);
		const answer = await checkout([{ productId: id, quantity: 1 }]);
		expect((await deliver(events.piFailed({ id: answer.orderId, amount: 1000 }))).status).toBe(200);
		expect((await getOrder(answer.orderId)).status).toBe("failed");
		expect(await stockOf(id)).toBe(2);
		await emulator.expire(answer.sessionId);
		await deliver(events.expired({ id: answer.orderId, amount: 1000 }));
		expect(await stockOf(id)).toBe(3);
	});

	it("a resumed checkout with the same cart keeps its reservation and its session", async () => {
		const id = await insertProduct(3);
		const first = await checkout([{ productId: id, quantity: 2 }]);
		const again = await checkout([{ productId: id, quantity: 2 }], {
			orderId: first.orderId,
			resumeToken: first.resumeToken,
		});
		expect(again.sessionId).toBe(first.sessionId);
		expect(await stockOf(id)).toBe(1);
	});

	it("a changed cart releases the old reservation (superseded) and reserves the new one", async () => {
		const id = await insertProduct(3);
		const first = await checkout([{ productId: id, quantity: 2 }]);
		// 3 units: the old order's 2 count as the shopper's own.
		const changed = await checkout([{ productId: id, quantity: 3 }], {
			orderId: first.orderId,
			resumeToken: first.resumeToken,
		});
		expect(changed.orderId).not.toBe(first.orderId);
		expect(await getOrder(first.orderId)).toMatchObject({
			status: "canceled",
			failureCode: "superseded",
		});
		expect(await stockOf(id)).toBe(0);
	});

	it("a changed cart asking for more than is left is refused before the old checkout is closed", async () => {
		const id = await insertProduct(3);
		const first = await checkout([{ productId: id, quantity: 2 }]);
		const res = await postCheckout({
			items: [{ productId: id, quantity: 4 }],
			orderId: first.orderId,
			resumeToken: first.resumeToken,
		});
		expect(res.status).toBe(409);
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("out_of_stock");
		expect((await getOrder(first.orderId)).status).toBe("pending");
		expect((await emulator.session(first.sessionId)).status).toBe("open");
		expect(await stockOf(id)).toBe(1);
	});

	it("Stripe unavailable: the order ends canceled and its units come back", async () => {
		const id = await insertProduct(2);
		const origin = uniqueOrigin();
		await emulator.addFault({ match: new URL(origin).host, status: 503, count: 2 });
		const res = await postCheckout({ items: [{ productId: id, quantity: 2 }] }, {}, origin);
		expect(res.status).toBe(502);
		const [order] = await db
			.select()
			.from(orders)
			.innerJoin(orderItems, eq(orderItems.orderId, orders.id))
			.where(eq(orderItems.productId, id));
		expect(order?.orders).toMatchObject({ status: "canceled", failureCode: "stripe_unavailable" });
		expect(await stockOf(id)).toBe(2);
	});

	it("never sent to Stripe: reconciliation cancels the order and gives its units back", async () => {
		const id = await insertProduct(5);
		const order = await insertOrder({
			stripeCheckoutSessionId: null,
			createdAt: Date.now() - 10 * 60_000,
		});
		// As a checkout that stopped after its batch: the line reserved 2 units.
		await db
			.update(orderItems)
			.set({ productId: id, reserved: 2 })
			.where(eq(orderItems.orderId, order.id));
		await db.update(products).set({ stock: 3 }).where(eq(products.id, id));
		await runReconcile();
		expect(await getOrder(order.id)).toMatchObject({
			status: "canceled",
			failureCode: "checkout_not_created",
		});
		expect(await stockOf(id)).toBe(5);
	});

	it("a release after the owner set the stock adds to what was set (set counts from then on)", async () => {
		const id = await insertProduct(4);
		const answer = await checkout([{ productId: id, quantity: 2 }]);
		await db.update(products).set({ stock: 10 }).where(eq(products.id, id));
		await deliver(events.expired({ id: answer.orderId, amount: 2000 }));
		expect(await stockOf(id)).toBe(12);
	});

	it("a product made unlimited meanwhile stays unlimited", async () => {
		const id = await insertProduct(4);
		const answer = await checkout([{ productId: id, quantity: 2 }]);
		await db.update(products).set({ stock: null }).where(eq(products.id, id));
		await deliver(events.expired({ id: answer.orderId, amount: 2000 }));
		expect(await stockOf(id)).toBeNull();
	});
});

describe("the transitions that release, as a table", () => {
	// Every way into expired or canceled (TRANSITIONS in src/domain/transitions.ts), through the writer.
	const facts = {
		expired: { kind: "expired" },
		canceled: { kind: "canceled", code: "superseded", message: "Replaced." },
	} as const;
	it.each([
		["pending", "expired"],
		["failed", "expired"],
		["pending", "canceled"],
		["failed", "canceled"],
	] as const)("%s → %s gives the reserved units back once", async (from, to) => {
		const id = await insertProduct(6);
		const answer = await checkout([{ productId: id, quantity: 4 }]);
		if (from === "failed")
			await db.update(orders).set({ status: "failed" }).where(eq(orders.id, answer.orderId));
		expect(await stockOf(id)).toBe(2);
		const fact = { ...facts[to], created: Math.floor(Date.now() / 1000) + 1 };
		const first = await applyFact(testDeps(), answer.orderId, fact, { source: "webhook" });
		expect(first).toMatchObject({ from, status: to, written: true });
		expect(await stockOf(id)).toBe(6);
		const again = await applyFact(testDeps(), answer.orderId, fact, { source: "reconcile" });
		expect(again).toMatchObject({ status: to, written: false });
		expect(await stockOf(id)).toBe(6);
	});

	it.each(["processing", "paid", "fulfilled", "refunded"] as const)(
		"an order %s keeps its units (no transition into expired or canceled)",
		async (status) => {
			const id = await insertProduct(6);
			const answer = await checkout([{ productId: id, quantity: 4 }]);
			await db.update(orders).set({ status }).where(eq(orders.id, answer.orderId));
			for (const fact of Object.values(facts))
				await applyFact(
					testDeps(),
					answer.orderId,
					{ ...fact, created: Math.floor(Date.now() / 1000) + 1 },
					{ source: "webhook" },
				);
			expect((await getOrder(answer.orderId)).status).toBe(status);
			expect(await stockOf(id)).toBe(2);
		},
	);
});

describe("money for a released order", () => {
	/** An order whose reservation was released: checkout, then the session expired. */
	async function releasedOrder(stock: number, quantity: number) {
		const id = await insertProduct(stock);
		const answer = await checkout([{ productId: id, quantity }]);
		await deliver(events.expired({ id: answer.orderId, amount: 1000 * quantity }));
		expect(await stockOf(id)).toBe(stock);
		return { id, answer };
	}

	it("takes the stock again when enough is left: paid_after_close, no oversold", async () => {
		const { id, answer } = await releasedOrder(5, 2);
		const res = await deliver(paidEvent(answer.orderId, 2000));
		expect(res.status).toBe(200);
		expect((await getOrder(answer.orderId)).status).toBe("paid");
		expect(await stockOf(id)).toBe(3);
		expect((await alertsOf(answer.orderId)).map((a) => a.kind)).toEqual(["paid_after_close"]);
	});

	it("where too little is left, stock stays at 0 and an oversold alert names the product and the quantities", async () => {
		const { id, answer } = await releasedOrder(3, 3);
		// Another shopper takes two of the three units meanwhile.
		await checkout([{ productId: id, quantity: 2 }]);
		expect(await stockOf(id)).toBe(1);
		const notified: string[] = [];
		const result = await applyFact(
			testDeps({ notify: (alert) => notified.push(alert.kind) }),
			answer.orderId,
			{
				kind: "paid",
				created: Math.floor(Date.now() / 1000),
				amount: 3000,
				currency: "usd",
				totals: { subtotal: 3000, discount: 0, shipping: 0, tax: 0 },
			},
			{ source: "webhook" },
		);
		expect(result).toMatchObject({ status: "paid", written: true });
		expect(await stockOf(id)).toBe(0);
		const raised = await alertsOf(answer.orderId);
		expect(raised.map((a) => a.kind).sort()).toEqual(["oversold", "paid_after_close"]);
		const oversold = raised.find((a) => a.kind === "oversold");
		expect(oversold?.message).toContain(id);
		expect(oversold?.message).toContain("3 wanted, 1 left, 2 oversold");
		expect(notified.sort()).toEqual(["oversold", "paid_after_close"]);
		// Seen again, the payment changes nothing more.
		await deliver(paidEvent(answer.orderId, 3000));
		expect(await stockOf(id)).toBe(0);
		expect(await alertsOf(answer.orderId)).toHaveLength(2);
	});

	it("a refund does not restock", async () => {
		const id = await insertProduct(5);
		const answer = await checkout([{ productId: id, quantity: 2 }]);
		await deliver(paidEvent(answer.orderId, 2000));
		const order = await getOrder(answer.orderId);
		await deliver(events.refunded(order.stripePaymentIntentId ?? "", 2000));
		expect((await getOrder(answer.orderId)).status).toBe("refunded");
		expect(await stockOf(id)).toBe(3);
		const held = await db
			.select()
			.from(orderItems)
			.where(and(eq(orderItems.orderId, answer.orderId), eq(orderItems.productId, id)));
		expect(held[0]?.reserved).toBe(2);
	});
});
