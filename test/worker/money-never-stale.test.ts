/**
 * Money is never dropped as stale (a payment or a growing amount_refunded
 * applies whatever its age), and a look-up is dated by Stripe's timestamps:
 * the two ways a refund used to be recorded "ignored" and lost for good.
 */
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { factFromSession } from "../../src/domain/stripe-facts.ts";
import { reconcile } from "../../src/services/orders/reconcile.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { checkout, ORIGIN } from "./helpers/checkout.ts";
import { d1FailingWrites, getOrder, ledgerRow, testDeps } from "./helpers/db.ts";
import { emulator, stripe } from "./helpers/emulator.ts";
import { charge as charge0, completedSession, paymentIntent } from "./helpers/stripe-objects.ts";
import { deliver, signature } from "./helpers/webhooks.ts";

/** A checkout paid, then refunded in full at Stripe; none of its webhooks delivered yet. */
async function paidThenRefundedAtStripe() {
	const answer = await checkout([{ productId: "espresso-beans", quantity: 1 }]);
	const paid = await emulator.pay(answer.sessionId);
	const paymentIntentId = paid.paymentIntent?.id ?? "";
	await stripe().refunds.create({ payment_intent: paymentIntentId });
	const [completed] = await emulator.events({
		objectId: answer.sessionId,
		type: "checkout.session.completed",
	});
	const [refunded] = await emulator.events({
		objectId: paid.paymentIntent?.latest_charge as string,
		type: "charge.refunded",
	});
	if (!completed || !refunded) throw new Error("the emulator emitted no events");
	return { ...answer, completed, refunded };
}

describe("a refund that arrives after a look-up", () => {
	it("is applied when the success page synced the order first and the webhooks come late", async () => {
		const { orderId, sessionId, completed, refunded } = await paidThenRefundedAtStripe();
		const page = await fetchWithEnv(
			new Request(`${ORIGIN}/api/orders/by-session/${sessionId}`),
			{},
		);
		expect(((await page.json()) as { status: string }).status).toBe("paid");

		expect((await deliver(completed)).status).toBe(200);
		expect((await deliver(refunded)).status).toBe(200);
		expect(await getOrder(orderId)).toMatchObject({ status: "refunded", amountRefunded: 2400 });
		expect(await ledgerRow(refunded.id)).toMatchObject({ result: "processed" });
	});

	it("is applied when its delivery failed once and reconciliation synced the order before re-running it", async () => {
		const { orderId, refunded } = await paidThenRefundedAtStripe();
		const payload = JSON.stringify(refunded);
		const failed = await fetchWithEnv(
			new Request(`${ORIGIN}/webhook`, {
				method: "POST",
				headers: { "stripe-signature": await signature(payload) },
				body: payload,
			}),
			{ DB: d1FailingWrites() },
		);
		// Before the order knew its payment the refund resolves through the PaymentIntent: it fails here.
		expect([500, 200]).toContain(failed.status);
		if (failed.status === 500) expect((await ledgerRow(refunded.id))?.result).toBe("failed");

		await reconcile({ ...testDeps(), stripe: stripe(), liveMode: false }, { graceSeconds: 0 });
		expect(await getOrder(orderId)).toMatchObject({ status: "refunded", amountRefunded: 2400 });
		// Re-run after the run's list of recent refunds applied it: done, and never dismissed as stale.
		const row = await ledgerRow(refunded.id);
		expect(row?.result).not.toBe("failed");
		expect(row?.error ?? "").not.toContain("stale");
	});
});

describe("the date of a looked-up session", () => {
	const base = completedSession({ orderId: crypto.randomUUID() });
	const intent = (fields: Partial<Stripe.PaymentIntent>) =>
		({ ...paymentIntent({}), created: 1_700_000_000, ...fields }) as Stripe.PaymentIntent;

	it("is its latest charge's time (a payment, a processing debit, a decline)", () => {
		const charge = { ...charge0({}), created: 1_700_000_500 } as Stripe.Charge;
		const paid = {
			...base,
			payment_intent: intent({ status: "succeeded", latest_charge: charge }),
		};
		expect(factFromSession(paid)?.created).toBe(1_700_000_500);
		const declined = {
			...base,
			status: "open" as const,
			payment_status: "unpaid" as const,
			payment_intent: intent({
				latest_charge: charge,
				last_payment_error: {
					type: "card_error",
					message: "declined",
				} as Stripe.PaymentIntent.LastPaymentError,
			}),
		};
		expect(factFromSession(declined)).toMatchObject({ kind: "failed", created: 1_700_000_500 });
	});

	it("is the PaymentIntent's (or the session's) creation without a charge, and the expiry for an expired session", () => {
		expect(
			factFromSession({ ...base, payment_intent: intent({ status: "succeeded" }) })?.created,
		).toBe(1_700_000_000);
		expect(
			factFromSession({ ...base, payment_intent: null, created: 1_600_000_000 })?.created,
		).toBe(1_600_000_000);
		const expired = {
			...base,
			status: "expired" as const,
			payment_status: "unpaid" as const,
			expires_at: 1_650_000_000,
		};
		expect(factFromSession(expired)).toMatchObject({ kind: "expired", created: 1_650_000_000 });
	});
});
