/**
 * A payment whose subtotal does not match its order is flagged for a human
 * (SPEC 4): the order keeps its status, `amount_mismatch`, one alert. The human
 * then either returns the money (the refund ends the order canceled, its units
 * back in stock) or honours it (marking it shipped accepts the payment at what
 * Stripe charged), and Sync keeps working on it.
 */
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emails, orders, products } from "../../src/db/schema.ts";
import { CATALOGUES } from "../support/catalogues.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { checkout } from "./helpers/checkout.ts";
import { alertsOf, db, dbq, getOrder, transitionsOf } from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";
import { deliver } from "./helpers/webhooks.ts";

const admin = (path: string, body?: unknown) =>
	exports.default.fetch(`https://shop.test/admin${path}`, {
		method: "POST",
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
		body: JSON.stringify(body ?? {}),
	});

/** A paid checkout of 2 × a limited product (2 × $12.00) whose order says it was for less. */
async function mismatchedOrder() {
	const productId = `mismatch-${crypto.randomUUID().slice(0, 8)}`;
	await db
		.insert(products)
		.values({ id: productId, name: "Limited tin", unitAmount: 1200, currency: "usd", stock: 5 });
	const answer = await checkout([{ productId, quantity: 2 }]);
	// As if the order had been written for another cart: Stripe's subtotal no longer matches.
	await db
		.update(orders)
		.set({ subtotal: 2000, amount: 2000 })
		.where(eq(orders.id, answer.orderId));
	await emulator.pay(answer.sessionId, { email: "ada@example.com" });
	const [completed] = await emulator.events({
		objectId: answer.sessionId,
		type: "checkout.session.completed",
	});
	expect((await deliver(completed as never)).status).toBe(200);
	const order = await getOrder(answer.orderId);
	expect(order).toMatchObject({ status: "pending", failureCode: "amount_mismatch" });
	expect((await alertsOf(order.id)).map((a) => a.kind)).toEqual(["amount_mismatch"]);
	return { ...answer, productId, order };
}

const stockOf = async (id: string) =>
	(await dbq.query.products.findFirst({ where: eq(products.id, id) }))?.stock;
const mailOf = async (orderId: string) =>
	(await db.select().from(emails).where(eq(emails.orderId, orderId))).map((e) => e.kind).sort();

describe("an order whose payment did not match", () => {
	it("can be refunded: all Stripe took goes back, the order ends canceled and its units return", async () => {
		const { orderId, productId, sessionId } = await mismatchedOrder();
		expect(await stockOf(productId)).toBe(3);
		const res = await admin(`/orders/${orderId}/refund`);
		expect(res.status, await res.clone().text()).toBe(200);
		expect(await res.json()).toMatchObject({ amount: 2400, status: "succeeded" });
		const session = await stripe().checkout.sessions.retrieve(sessionId);
		const refunds = await stripe().refunds.list({ payment_intent: String(session.payment_intent) });
		expect(refunds.data.map((r) => r.amount)).toEqual([2400]);
		expect(await getOrder(orderId)).toMatchObject({
			status: "canceled",
			amountRefunded: 2400,
			failureCode: "amount_mismatch",
		});
		expect(await stockOf(productId)).toBe(5);
		expect(await mailOf(orderId)).toEqual(["refund"]);
		// The shopper's page says what became of the money, in their language.
		for (const [language, headline] of [
			["en", CATALOGUES.en["success.returned"]],
			["fr", CATALOGUES.fr["success.returned"]],
		] as const) {
			const page = await exports.default.fetch(
				`https://shop.test/success.html?session_id=${sessionId}`,
				{ headers: { "accept-language": language } },
			);
			expect(/id="status-text"[^>]*>([^<]*)</.exec(await page.text())?.[1]).toBe(headline);
		}
		// Nothing is left to refund.
		expect((await admin(`/orders/${orderId}/refund`)).status).toBe(409);
	});

	it("can be honoured by marking it shipped: paid at what Stripe charged, then fulfilled", async () => {
		const { orderId, productId } = await mismatchedOrder();
		const res = await admin(`/orders/${orderId}/fulfill`, { carrier: "La Poste" });
		expect(res.status, await res.clone().text()).toBe(200);
		expect(await getOrder(orderId)).toMatchObject({
			status: "fulfilled",
			amount: 2400,
			failureCode: null,
		});
		expect(
			(await transitionsOf(orderId)).map((t) => `${t.fromStatus}→${t.toStatus}:${t.source}`),
		).toEqual(["null→pending:checkout", "pending→paid:admin", "paid→fulfilled:admin"]);
		expect(await stockOf(productId)).toBe(3);
		expect(await mailOf(orderId)).toEqual(["order_confirmation", "shipped"]);
	});

	it("can be synced: Stripe is asked again and the flag stays, with one alert", async () => {
		const { orderId } = await mismatchedOrder();
		const res = await admin(`/orders/${orderId}/sync`);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ id: orderId, failureCode: "amount_mismatch" });
		expect((await alertsOf(orderId)).map((a) => a.kind)).toEqual(["amount_mismatch"]);
	});
});
