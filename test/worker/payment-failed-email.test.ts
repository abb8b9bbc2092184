/**
 * When "your payment did not go through" is owed (SPEC 12): never while the
 * shopper may still be paying on Stripe's page, never for an order that is or
 * becomes paid; at once for a bank debit that failed after the shopper left;
 * for a declined card, once the session ends unpaid or 30 minutes pass unpaid,
 * whichever comes first, and once.
 */

import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import type Stripe from "stripe";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { emails, orders } from "../../src/db/schema.ts";
import { UNPAID_NOTICE_AFTER_MS } from "../../src/domain/emails.ts";
import type { Bindings } from "../../src/env.ts";
import { loadCatalogues } from "../../src/i18n/catalogues.ts";
import { deliverEmail } from "../../src/services/emails/delivery.ts";
import { oweUnpaidNotices } from "../../src/services/emails/unpaid-notices.ts";
import { applyFact } from "../../src/services/orders/apply-fact.ts";
import { checkoutWith } from "./helpers/checkout.ts";
import { db, depsFor, getOrder, insertOrder, testDeps } from "./helpers/db.ts";
import { emulator } from "./helpers/emulator.ts";
import { events } from "./helpers/stripe-events.ts";
import { deliver } from "./helpers/webhooks.ts";

// deliverEmail is called here without the queue consumer, which loads the catalogues first.
beforeAll(() => loadCatalogues(env.ASSETS));

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

/** The e-mail as the provider receives it (Resend's API, intercepted). */
async function sentText(emailId: string): Promise<string> {
	const realFetch = globalThis.fetch;
	let text = "";
	const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input, init);
		if (!request.url.startsWith("https://mail.test/")) return realFetch(input, init);
		text = ((await request.json()) as { text: string }).text;
		return Response.json({ id: "re_sent" });
	});
	const settings: Partial<Bindings> = {
		EMAIL_PROVIDER: "resend",
		EMAIL_FROM: "Bean & Leaf <orders@shop.test>",
		RESEND_API_KEY: "re_test_key_123",
		EMAIL_API_BASE: "https://mail.test",
	};
	expect(await deliverEmail(depsFor({ ...env, ...settings } as Bindings), emailId, 1)).toEqual({
		outcome: "sent",
	});
	spy.mockRestore();
	return text;
}

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

	it("tells the total the payment page asked (shipping included), and to start again once the checkout ended", async () => {
		const answer = await checkoutWith({ SHIPPING_COUNTRIES: "FR,US" }, [
			{ productId: "travel-mug", quantity: 1 },
		]);
		// Declined on Stripe's page, with the first shipping rate ($5.00) chosen: $23.00 was asked.
		const declined = await emulator.pay(answer.sessionId, {
			card: "4000000000000002",
			email: "ada@example.com",
		});
		expect(declined.outcome).toBe("declined");
		expect(declined.paymentIntent?.amount).toBe(2300);
		const [failed] = await emulator.events({
			orderId: answer.orderId,
			type: "payment_intent.payment_failed",
		});
		expect((await deliver(failed as Stripe.Event)).status).toBe(200);
		expect(await getOrder(answer.orderId)).toMatchObject({ status: "failed", amountAsked: 2300 });
		await cronAfter(31);
		const [row] = await db.select().from(emails).where(eq(emails.orderId, answer.orderId));
		const open = await sentText(row?.id ?? "");
		expect(open).toContain("Subtotal: $18.00");
		expect(open).toContain("Total on the payment page: $23.00");
		expect(open).toContain("Resume payment:");

		// Once the session has ended, the same e-mail (resent) speaks of starting again.
		await db.update(orders).set({ status: "expired" }).where(eq(orders.id, answer.orderId));
		await db
			.update(emails)
			.set({ status: "pending", attempts: 0 })
			.where(eq(emails.id, row?.id ?? ""));
		const ended = await sentText(row?.id ?? "");
		expect(ended).toContain("Start again with the same items:");
		expect(ended).not.toContain("Resume payment");
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

	it("is owed exactly when the model says, under any seeded schedule of declines, payments, expiry and Cron runs", async () => {
		type Step = { kind: "decline" | "pay" | "expire" | "cron" } | { kind: "wait"; minutes: number };
		const step: fc.Arbitrary<Step> = fc.oneof(
			fc.constantFrom<Step>(
				{ kind: "decline" },
				{ kind: "pay" },
				{ kind: "expire" },
				{ kind: "cron" },
			),
			fc.integer({ min: 1, max: 40 }).map((minutes): Step => ({ kind: "wait", minutes })),
		);
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
				let clock = Date.now();
				const deps = testDeps({ now: () => clock });
				const order = await insertOrder({ customerEmail: "ada@example.com", createdAt: clock });
				// The model: what a shopper sees happen, and whether they are owed the e-mail.
				let status: "pending" | "failed" | "paid" | "expired" = "pending";
				let lastDecline = 0;
				let owed = false;
				for (const s of steps) {
					const created = Math.floor(clock / 1000);
					if (s.kind === "wait") clock += s.minutes * 60_000;
					else if (s.kind === "decline") {
						await applyFact(deps, order.id, { ...decline, created }, { source: "webhook" });
						if (status === "pending" || status === "failed") {
							status = "failed";
							lastDecline = clock;
						}
					} else if (s.kind === "pay") {
						const paid = { kind: "paid", amount: 4800, currency: "usd", created } as const;
						await applyFact(
							deps,
							order.id,
							{ ...paid, fromCompletedSession: true, customerEmail: "ada@example.com" },
							{ source: "webhook" },
						);
						if (status !== "paid") status = "paid";
					} else if (s.kind === "expire") {
						await applyFact(deps, order.id, { kind: "expired", created }, { source: "webhook" });
						if (status === "failed") owed = true;
						if (status === "pending" || status === "failed") status = "expired";
					} else {
						await oweUnpaidNotices(deps);
						if (status === "failed" && clock - lastDecline >= UNPAID_NOTICE_AFTER_MS) owed = true;
					}
				}
				const failedMail = (await owedKinds(order.id)).filter((k) =>
					k.startsWith("payment_failed"),
				);
				expect(failedMail).toEqual(owed ? ["payment_failed:ada@example.com"] : []);
			}),
			{ seed: 20261206, numRuns: 60 },
		);
	});
});
