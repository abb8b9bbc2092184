/**
 * The order's address is the one the shopper paid with. On Stripe's page a
 * shopper may mistype the e-mail, be declined, correct it and pay: the
 * declined attempt's address must never receive the order's e-mails, whatever
 * order Stripe's events arrive in, and a payment told by its PaymentIntent
 * alone still learns everything its session reports.
 */
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emails, orders } from "../../src/db/schema.ts";
import { reconcile } from "../../src/services/orders/reconcile.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { checkout, checkoutWith } from "./helpers/checkout.ts";
import { alertsOf, db, getOrder, testDeps } from "./helpers/db.ts";
import { emulator, pressPay, promotionCode, stripe } from "./helpers/emulator.ts";
import { deliver } from "./helpers/webhooks.ts";

/** A shop that ships and takes promotion codes. */
const SHIPS = { SHIPPING_COUNTRIES: "FR,US", ALLOW_PROMOTION_CODES: "on" };

const MISTYPED = "grace.hoper@example.com";
const CORRECTED = "grace.hopper@example.com";

/** Mistype, get declined, correct the address, pay: the events Stripe sends, in its order. */
async function declinedThenCorrected(items = [{ productId: "travel-mug", quantity: 1 }]) {
	const answer = await checkout(items);
	expect(await pressPay(answer.sessionId, MISTYPED, "4000000000000002")).toBe(402);
	expect(await pressPay(answer.sessionId, CORRECTED, "4242424242424242")).toBe(303);
	const of = async (type: string) => {
		const [event] = await emulator.events({ objectId: answer.sessionId, type });
		if (event) return event;
		const byOrder = await emulator.events({ orderId: answer.orderId, type });
		if (!byOrder[0]) throw new Error(`no ${type} for order ${answer.orderId}`);
		return byOrder[0];
	};
	return {
		...answer,
		failed: await of("payment_intent.payment_failed"),
		succeeded: await of("payment_intent.succeeded"),
		completed: await of("checkout.session.completed"),
	};
}

/**
 * A payment of 1 × espresso beans (nothing added on Stripe's page), its
 * PaymentIntent's event delivered while Stripe answers the session look-ups
 * with 500 `failures` times (stripe-node tries each twice): the order is paid
 * without its session's report.
 */
async function paidWithoutReport(failures: number) {
	const answer = await checkout([{ productId: "espresso-beans", quantity: 1 }]);
	await emulator.pay(answer.sessionId, { email: CORRECTED });
	const [succeeded] = await emulator.events({
		orderId: answer.orderId,
		type: "payment_intent.succeeded",
	});
	if (!succeeded) throw new Error("no payment_intent.succeeded");
	await emulator.addFault({
		match: `/v1/checkout/sessions/${answer.sessionId}`,
		status: 500,
		count: failures,
	});
	expect((await deliver(succeeded)).status).toBe(200);
	return answer;
}

const outboxOf = (orderId: string) => db.select().from(emails).where(eq(emails.orderId, orderId));

function permutations<T>(list: T[]): T[][] {
	if (list.length <= 1) return [list];
	return list.flatMap((item, i) =>
		permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [item, ...rest]),
	);
}

const ORDERS = permutations(["failed", "succeeded", "completed"] as const);

describe("the address a shopper corrected after a decline", () => {
	it.each(ORDERS.map((order) => [order.join(" → "), order]))(
		"is the order's, and the only one written to, when Stripe's events arrive %s",
		async (_, sequence) => {
			const run = await declinedThenCorrected();
			for (const name of sequence) expect((await deliver(run[name])).status).toBe(200);

			const order = await getOrder(run.orderId);
			expect(order).toMatchObject({
				status: "paid",
				customerEmail: CORRECTED,
				checkoutCompleted: true,
			});
			const outbox = await outboxOf(run.orderId);
			expect(outbox.map((e) => [e.kind, e.to])).toEqual([["order_confirmation", CORRECTED]]);

			// The operator finds it by the address the shopper paid with, and not by the mistyped one.
			const search = (q: string) =>
				fetchWithEnv(
					new Request(`https://shop.test/admin/orders?q=${encodeURIComponent(q)}`, {
						headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
					}),
					{},
				).then((r) => r.json<{ orders: { id: string }[] }>());
			expect((await search(CORRECTED)).orders.map((o) => o.id)).toContain(run.orderId);
			expect((await search(MISTYPED)).orders.map((o) => o.id)).not.toContain(run.orderId);
		},
	);

	it("keeps the latest attempt's address while the shopper is still paying", async () => {
		const answer = await checkout([{ productId: "travel-mug", quantity: 1 }]);
		expect(await pressPay(answer.sessionId, MISTYPED, "4000000000000002")).toBe(402);
		expect(await pressPay(answer.sessionId, CORRECTED, "4000000000009995")).toBe(402);
		const declines = await emulator.events({
			orderId: answer.orderId,
			type: "payment_intent.payment_failed",
		});
		// Oldest first, as Stripe sent them.
		for (const event of [...declines].sort((a, b) => a.created - b.created))
			expect((await deliver(event)).status).toBe(200);
		expect(await getOrder(answer.orderId)).toMatchObject({
			status: "failed",
			customerEmail: CORRECTED,
			checkoutCompleted: false,
		});
	});
});

describe("a payment told by its PaymentIntent alone", () => {
	it("learns its session's report at once: address, discount, shipping, card and the address paid with", async () => {
		const code = await promotionCode({ amount_off: 500, currency: "usd" });
		const answer = await checkoutWith(SHIPS, [{ productId: "travel-mug", quantity: 1 }]);
		await emulator.pay(answer.sessionId, { email: CORRECTED, promotionCode: code });
		const [succeeded] = await emulator.events({
			orderId: answer.orderId,
			type: "payment_intent.succeeded",
		});
		if (!succeeded) throw new Error("no payment_intent.succeeded");
		expect((await deliver(succeeded)).status).toBe(200);
		const order = await getOrder(answer.orderId);
		expect(order).toMatchObject({
			status: "paid",
			customerEmail: CORRECTED,
			checkoutCompleted: true,
			amountDiscount: 500,
			paymentLast4: "4242",
			shippingCity: "Paris",
		});
		expect(order.amountShipping).toBeGreaterThan(0);
		expect(order.receiptUrl).toMatch(/^https?:\/\//);
		// The discount line names the code the shopper entered, as Stripe's page did.
		expect(order.discountCode).toBe(code);
		const page = await exports.default
			.fetch(`https://shop.test/success.html?session_id=${answer.sessionId}`)
			.then((r) => r.text());
		expect(page).toContain(`Discount (${code})`);
		expect((await outboxOf(answer.orderId)).map((e) => [e.kind, e.to])).toEqual([
			["order_confirmation", CORRECTED],
		]);
	});

	it("when Stripe cannot say, is paid at once and completed by reconciliation once its session event is lost", async () => {
		// Nothing added on Stripe's page: the PaymentIntent's amount is the order's, so it alone makes
		// it paid; Stripe fails the look-up (and stripe-node's retry); checkout.session.completed is lost.
		const answer = await paidWithoutReport(2);
		const paid = await getOrder(answer.orderId);
		expect(paid).toMatchObject({ status: "paid", checkoutCompleted: false });
		// Nothing is written to an address no completed session reported.
		expect(await outboxOf(answer.orderId)).toEqual([]);

		const deps = { ...testDeps(), stripe: stripe(), liveMode: false };
		await reconcile(deps, { graceSeconds: 0 });
		const completed = await getOrder(answer.orderId);
		expect(completed).toMatchObject({
			status: "paid",
			checkoutCompleted: true,
			customerEmail: CORRECTED,
			paymentLast4: "4242",
		});
		expect((await outboxOf(answer.orderId)).map((e) => [e.kind, e.to])).toEqual([
			["order_confirmation", CORRECTED],
		]);
	});

	it("raises one unresolved_order alert when its session never reports, a day after the payment", async () => {
		// The delivery's look-up and two reconciliations', each tried twice by stripe-node.
		const answer = await paidWithoutReport(6);
		const dayLater = { ...testDeps({ now: () => Date.now() + 25 * 3600_000 }), stripe: stripe() };
		await reconcile({ ...dayLater, liveMode: false }, { graceSeconds: 0 });
		await reconcile({ ...dayLater, liveMode: false }, { graceSeconds: 0 });
		expect((await alertsOf(answer.orderId)).map((a) => a.kind)).toEqual(["unresolved_order"]);
	});
});

describe("the success page of a payment whose session reported after it", () => {
	it("keeps asking until the session's report is in, then shows it, with and without JavaScript", async () => {
		// Stripe fails the webhook's look-up and the page's first one (each tried twice by stripe-node).
		const answer = await paidWithoutReport(4);

		const page = () =>
			exports.default
				.fetch(`https://shop.test/success.html?session_id=${answer.sessionId}`)
				.then((r) => r.text());
		const before = await page();
		expect(before).toContain('data-status="paid"');
		expect(before).toContain('data-details-pending="true"');
		// Without JavaScript it refreshes itself while the details are on their way.
		expect(before).toContain('<meta http-equiv="refresh" content="5" />');
		expect(before).not.toContain("4242");

		// The script's poll (and the page's next render) asks Stripe, which now answers.
		await db.update(orders).set({ reconciledAt: null }).where(eq(orders.id, answer.orderId));
		const json = await exports.default
			.fetch(`https://shop.test/api/orders/by-session/${answer.sessionId}`)
			.then((r) =>
				r.json<{ status: string; detailsPending: boolean; payment: { last4: string } }>(),
			);
		expect(json).toMatchObject({
			status: "paid",
			detailsPending: false,
			payment: { last4: "4242" },
		});
		const after = await page();
		expect(after).toContain('data-details-pending="false"');
		expect(after).not.toContain('http-equiv="refresh"');
		expect(after).toContain("4242");
		expect(after).toContain("g•••<wbr>@example.<wbr>com");
	});
});
