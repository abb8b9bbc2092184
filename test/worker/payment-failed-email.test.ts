/**
 * When "your payment did not go through" is owed (SPEC 12): never while the
 * shopper may still be paying on Stripe's page, never for an order that is or
 * becomes paid; at once for a bank debit that failed after the shopper left;
 * for a declined card, once the session ends unpaid or 30 minutes pass unpaid,
 * whichever comes first, and once.
 */
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { emails } from "../../src/db/schema.ts";
import { UNPAID_NOTICE_AFTER_MS } from "../../src/domain/emails.ts";
import { applyFact } from "../../src/services/apply-fact.ts";
import { oweUnpaidNotices } from "../../src/services/unpaid-notices.ts";
import { db, getOrder, insertOrder, testDeps } from "./helpers/db.ts";
import { events } from "./helpers/stripe-events.ts";
import { deliver } from "./helpers/webhooks.ts";

const owedKinds = async (orderId: string) =>
	(await db.select().from(emails).where(eq(emails.orderId, orderId))).map(
		(e) => `${e.kind}:${e.to}`,
	);

const nowSec = () => Math.floor(Date.now() / 1000);
const decline = {
	kind: "failed",
	code: "card_declined",
	message: "Your card was declined.",
} as const;

/** The Cron's step, `minutes` after now. */
const cronAfter = (minutes: number) =>
	oweUnpaidNotices(testDeps({ now: () => Date.now() + minutes * 60_000 }));

describe("the payment-failed e-mail", () => {
	it("is owed for a declined card only once the order is still unpaid 30 minutes on, and once", async () => {
		const order = await insertOrder({ customerEmail: "ada@example.com" });
		await applyFact(testDeps(), order.id, { ...decline, created: nowSec() }, { source: "webhook" });
		expect(await getOrder(order.id)).toMatchObject({ status: "failed" });
		expect(await owedKinds(order.id)).toEqual([]);
		await cronAfter(UNPAID_NOTICE_AFTER_MS / 60_000 - 1);
		expect(await owedKinds(order.id)).toEqual([]);
		await cronAfter(UNPAID_NOTICE_AFTER_MS / 60_000 + 1);
		await cronAfter(UNPAID_NOTICE_AFTER_MS / 60_000 + 6);
		expect(await owedKinds(order.id)).toEqual(["payment_failed:ada@example.com"]);
	});

	it("is never owed when the shopper pays after the decline, whenever the Cron runs", async () => {
		const order = await insertOrder({ customerEmail: "ada@example.com" });
		await applyFact(testDeps(), order.id, { ...decline, created: nowSec() }, { source: "webhook" });
		expect((await deliver(events.completedPaid(order))).status).toBe(200);
		await cronAfter(45);
		expect((await owedKinds(order.id)).filter((k) => k.startsWith("payment_failed"))).toEqual([]);
	});

	it("counts the 30 minutes from the last decline: a shopper still trying is not told", async () => {
		const order = await insertOrder({ customerEmail: "ada@example.com" });
		const deps = testDeps();
		await applyFact(deps, order.id, { ...decline, created: nowSec() }, { source: "webhook" });
		// Twenty minutes later another card is declined.
		const later = testDeps({ now: () => Date.now() + 20 * 60_000 });
		await applyFact(
			later,
			order.id,
			{ kind: "failed", created: nowSec() + 1200, code: "insufficient_funds", message: "x" },
			{ source: "webhook" },
		);
		await cronAfter(35);
		expect(await owedKinds(order.id)).toEqual([]);
		await cronAfter(51);
		expect(await owedKinds(order.id)).toEqual(["payment_failed:ada@example.com"]);
	});

	it("is owed when the session ends unpaid after a decline, before the 30 minutes, and not again", async () => {
		const order = await insertOrder({ customerEmail: "ada@example.com" });
		await applyFact(testDeps(), order.id, { ...decline, created: nowSec() }, { source: "webhook" });
		const expired = events.expired(order, nowSec() + 1);
		// Stripe's sample session carries an address; this shopper typed none on the page.
		(expired.data.object as Stripe.Checkout.Session).customer_details = null;
		expect((await deliver(expired)).status).toBe(200);
		expect(await getOrder(order.id)).toMatchObject({ status: "expired" });
		expect(await owedKinds(order.id)).toEqual(["payment_failed:ada@example.com"]);
		await cronAfter(45);
		expect(await owedKinds(order.id)).toEqual(["payment_failed:ada@example.com"]);
	});

	it("is not owed for an abandoned checkout that never saw a decline", async () => {
		const order = await insertOrder({ customerEmail: "ada@example.com" });
		expect((await deliver(events.expired(order))).status).toBe(200);
		await cronAfter(45);
		expect(await owedKinds(order.id)).toEqual([]);
	});

	it("is owed at once when a bank debit fails after the shopper left", async () => {
		const order = await insertOrder({ customerEmail: "ada@example.com" });
		expect((await deliver(events.completedUnpaid(order))).status).toBe(200);
		expect((await deliver(events.asyncFailed(order))).status).toBe(200);
		expect(await getOrder(order.id)).toMatchObject({ status: "failed" });
		expect((await owedKinds(order.id)).map((k) => k.split(":")[0]).sort()).toEqual([
			"payment_failed",
			"payment_processing",
		]);
	});
});
