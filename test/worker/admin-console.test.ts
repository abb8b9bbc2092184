/** The console's operator routes: replaying a failed event, webhook health, the dashboard row. */
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emails, webhookEvents } from "../../src/db/schema.ts";
import { dashboard, periodStarts } from "../../src/services/admin/dashboard.ts";
import { webhookHealth } from "../../src/services/admin/webhooks.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { checkout } from "./helpers/checkout.ts";
import { db, dbq, getOrder, insertOrder } from "./helpers/db.ts";
import { emulator } from "./helpers/emulator.ts";

const authorization = `Bearer ${TEST_ADMIN_TOKEN}`;
const adminFetch = (path: string, method = "GET") =>
	exports.default.fetch(`https://shop.test/admin${path}`, { method, headers: { authorization } });

async function ledgerEntry(fields: Partial<typeof webhookEvents.$inferInsert> = {}) {
	const id = fields.id ?? `evt_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
	await db.insert(webhookEvents).values({
		id,
		type: "checkout.session.completed",
		created: Math.floor(Date.now() / 1000),
		receivedAt: Date.now(),
		result: "failed",
		error: "D1 was unavailable",
		...fields,
	});
	return id;
}

describe("POST /admin/webhook-events/:id/replay", () => {
	it("re-fetches a failed event from Stripe and runs it through the webhook's handler", async () => {
		const { orderId, sessionId } = await checkout([{ productId: "travel-mug", quantity: 1 }]);
		await emulator.pay(sessionId);
		const [completed] = await emulator.events({
			objectId: sessionId,
			type: "checkout.session.completed",
		});
		if (!completed) throw new Error("no event at the emulator");
		// Its delivery failed (the webhook never applied it).
		await ledgerEntry({ id: completed.id, receivedAt: Date.now() - 60_000 });
		expect((await getOrder(orderId)).status).toBe("pending");

		const res = await adminFetch(`/webhook-events/${completed.id}/replay`, "POST");
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({
			event: { id: completed.id, result: "processed", error: null, orderId },
			outcome: { result: "processed" },
		});
		expect((await getOrder(orderId)).status).toBe("paid");

		const again = await adminFetch(`/webhook-events/${completed.id}/replay`, "POST");
		expect(again.status).toBe(409);
		expect(await again.json()).toMatchObject({ error: { code: "event_not_failed" } });
	});

	it("404 for an event the ledger never saw; Stripe's refusal passed on, the row still failed", async () => {
		expect((await adminFetch("/webhook-events/evt_never_seen/replay", "POST")).status).toBe(404);
		const id = await ledgerEntry();
		const res = await adminFetch(`/webhook-events/${id}/replay`, "POST");
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ error: { code: "stripe_rejected" } });
		const row = await dbq.query.webhookEvents.findFirst({ where: eq(webhookEvents.id, id) });
		expect(row?.result).toBe("failed");
	});
});

describe("GET /admin/webhook-health", () => {
	it("counts the last day's events by result and tells when the last one arrived", async () => {
		const now = Date.now();
		const before = await webhookHealth(db, now);
		await ledgerEntry({ receivedAt: now - 1000 });
		await ledgerEntry({ receivedAt: now - 2000 });
		await ledgerEntry({ result: "processed", error: null, receivedAt: now - 500 });
		await ledgerEntry({ receivedAt: now - 2 * 24 * 3600_000 });
		const after = await webhookHealth(db, now);
		expect(after.last24h.failed - before.last24h.failed).toBe(2);
		expect(after.last24h.processed - before.last24h.processed).toBe(1);
		expect(after.last24h.ignored).toBe(before.last24h.ignored);
		expect(Date.parse(after.lastReceivedAt ?? "")).toBeGreaterThanOrEqual(now - 500);

		const res = await adminFetch("/webhook-health");
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ last24h: { failed: expect.any(Number) } });
	});
});

describe("GET /admin/dashboard", () => {
	it("starts weeks on Monday and days at midnight UTC", () => {
		const tuesday = Date.parse("2026-12-01T21:36:00Z");
		expect(periodStarts(tuesday)).toEqual({
			today: Date.parse("2026-12-01T00:00:00Z"),
			week: Date.parse("2026-11-30T00:00:00Z"),
		});
		const monday = Date.parse("2026-11-30T08:00:00Z");
		expect(periodStarts(monday).week).toBe(Date.parse("2026-11-30T00:00:00Z"));
		const sunday = Date.parse("2026-12-06T23:59:00Z");
		expect(periodStarts(sunday).week).toBe(Date.parse("2026-11-30T00:00:00Z"));
	});

	it("sums today's and this week's paid orders per currency, and counts what needs a look", async () => {
		// A fixed day, in a currency no other test pays in: the sums are this test's own.
		const now = Date.parse("2026-12-03T15:00:00Z"); // a Thursday
		const { today, week } = periodStarts(now);
		const before = await dashboard(db, now);
		await insertOrder({ status: "paid", currency: "chf", amount: 1000, paidAt: today + 60_000 });
		await insertOrder({
			status: "refunded",
			currency: "chf",
			amount: 500,
			amountRefunded: 500,
			paidAt: today,
		});
		await insertOrder({ status: "fulfilled", currency: "chf", amount: 2000, paidAt: week });
		await insertOrder({ status: "paid", currency: "chf", amount: 4000, paidAt: week - 1 });
		await insertOrder({ status: "pending", currency: "chf", checkoutExpiresAt: now + 60_000 });
		await insertOrder({ status: "pending", currency: "chf", checkoutExpiresAt: now - 60_000 });
		const order = await insertOrder({ status: "paid", currency: "chf", paidAt: week - 1 });
		await db.insert(emails).values({
			id: crypto.randomUUID(),
			orderId: order.id,
			kind: "order_confirmation",
			to: "a@example.com",
			locale: "en",
			status: "failed",
			dedupeKey: `dash-${order.id}`,
			createdAt: now,
		});
		const after = await dashboard(db, now);
		const chf = (paid: typeof after.today.paid) => paid.find((p) => p.currency === "chf");
		expect(chf(before.today.paid)).toBeUndefined();
		expect(chf(after.today.paid)).toEqual({
			currency: "chf",
			minorUnits: 2,
			orders: 2,
			revenue: 1500,
			refunded: 500,
			net: 1000,
		});
		expect(chf(after.week.paid)).toMatchObject({
			orders: 3,
			revenue: 3500,
			refunded: 500,
			net: 3000,
		});
		expect(after.awaitingPayment - before.awaitingPayment).toBe(1);
		expect(after.failedEmails - before.failedEmails).toBe(1);

		const res = await adminFetch("/dashboard");
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ today: { paid: expect.any(Array) } });
		const anonymous = await exports.default.fetch("https://shop.test/admin/dashboard");
		expect(anonymous.status).toBe(401);
	});
});
