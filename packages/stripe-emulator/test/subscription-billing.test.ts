import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.ts";
import { startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { subscribe } from "./helpers/subscription-session.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.ts";

const FUTURE_EXPIRY = `12 / ${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, "0")}`;

let test: TestEmulator;
let receiver: WebhookReceiver;
beforeAll(async () => {
	receiver = await startWebhookReceiver();
	test = await startTestEmulator({ webhookUrl: receiver.url, webhookSecret: "whsec_billing" });
});
afterAll(async () => {
	await test.close();
	await receiver.close();
});

const control = () => emulatorClient(test.emulator.url);
const types = (events: { type: string }[]) => events.map((event) => event.type);
const periodOf = (sub: Stripe.Subscription) => ({
	start: sub.items.data[0]?.current_period_start,
	end: sub.items.data[0]?.current_period_end,
});

async function portalFor(customer: string, locale?: "fr") {
	return test.stripe.billingPortal.sessions.create({
		customer,
		return_url: "https://shop.test/account",
		...(locale && { locale }),
	});
}

async function post(path: string, fields: Record<string, string>) {
	const response = await fetch(`${test.emulator.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams(fields).toString(),
		redirect: "manual",
	});
	return {
		status: response.status,
		location: response.headers.get("location"),
		html: await response.text(),
	};
}

describe("advancing a subscription's clock", () => {
	it("bills the next period: a subscription_cycle invoice paid with its card", async () => {
		const { subscription, invoice: first } = await subscribe(test);
		const before = periodOf(subscription);
		const renewal = await control().advanceSubscription(subscription.id);
		expect(renewal.outcome).toBe("paid");
		expect(types(renewal.events)).toEqual([
			"customer.subscription.updated",
			"invoice.created",
			"invoice.finalized",
			"payment_intent.created",
			"charge.succeeded",
			"payment_intent.succeeded",
			"invoice.paid",
			"invoice.payment_succeeded",
			"invoice_payment.paid",
		]);
		const after = periodOf(renewal.subscription);
		expect(after.start).toBe(before.end);
		expect(after.end).toBeGreaterThan(after.start ?? 0);
		expect(renewal.subscription.latest_invoice).toBe(renewal.invoice?.id);
		expect(renewal.invoice).toMatchObject({
			billing_reason: "subscription_cycle",
			status: "paid",
			amount_paid: 3000,
			period_start: before.start,
			period_end: before.end,
			lines: { data: [{ period: { start: after.start, end: after.end } }] },
			parent: { subscription_details: { subscription: subscription.id } },
		});
		expect(renewal.invoice?.number).not.toBe(first.number);
		expect(renewal.paymentIntent).toMatchObject({
			status: "succeeded",
			description: "Subscription update",
			payment_method: subscription.default_payment_method,
		});
		const updated = await control().events({ type: "customer.subscription.updated" });
		const roll = updated.find((event) => event.id === renewal.events[0]?.id);
		expect(roll?.data.previous_attributes).toMatchObject({
			latest_invoice: first.id,
			items: { data: [{ current_period_start: before.start }] },
		});
		await control().drain();
		const invoices = await test.stripe.invoices.list({ subscription: subscription.id });
		expect(invoices.data.map((invoice) => invoice.billing_reason)).toEqual([
			"subscription_cycle",
			"subscription_create",
		]);
	});

	it("a declining card: past_due; a new default card in the portal; the retry pays", async () => {
		const { customer, subscription } = await subscribe(test);
		const declining = await control().setDeclining(customer.id, true);
		expect(declining.declining).toEqual([subscription.default_payment_method]);
		const failed = await control().advanceSubscription(subscription.id);
		expect(failed.outcome).toBe("failed");
		expect(failed.error).toMatchObject({ code: "card_declined", declineCode: "generic_decline" });
		expect(types(failed.events)).toEqual([
			"customer.subscription.updated",
			"invoice.created",
			"invoice.finalized",
			"payment_intent.created",
			"charge.failed",
			"payment_intent.payment_failed",
			"invoice.payment_failed",
			"customer.subscription.updated",
		]);
		expect(failed.subscription.status).toBe("past_due");
		expect(failed.invoice).toMatchObject({ status: "open", attempt_count: 1, amount_paid: 0 });
		expect(failed.invoice?.next_payment_attempt).toBe(
			(failed.invoice?.status_transitions.finalized_at ?? 0) + 3 * 24 * 3600,
		);
		expect(failed.paymentIntent?.last_payment_error?.decline_code).toBe("generic_decline");

		// The portal says so; a new card, made the default, becomes the subscription's card.
		const portal = await portalFor(customer.id);
		const page = await (await fetch(portal.url)).text();
		expect(page).toContain('data-status="past_due"');
		expect(page).toContain(
			'<p class="field-error" id="subscription-payment-failed-0"><a href="#payment-methods-section">Payment failed — update your card</a></p>',
		);
		const added = await post(`/p/session/${portal.id}/add_card`, {
			cardNumber: "5555 5555 5555 4444",
			cardExpiry: FUTURE_EXPIRY,
			cardCvc: "123",
		});
		expect(added.status).toBe(303);
		const cards = await test.stripe.customers.listPaymentMethods(customer.id);
		const fresh = cards.data.find((method) => method.card?.last4 === "4444");
		const madeDefault = await post(`/p/session/${portal.id}/make_default`, {
			paymentMethod: String(fresh?.id),
		});
		expect(madeDefault.status).toBe(303);
		const now = await test.stripe.subscriptions.retrieve(subscription.id);
		expect(now.default_payment_method).toBe(fresh?.id);

		const retried = await control().retrySubscription(subscription.id);
		expect(retried.outcome).toBe("paid");
		expect(types(retried.events)).toEqual([
			"charge.succeeded",
			"payment_intent.succeeded",
			"invoice.paid",
			"invoice.payment_succeeded",
			"invoice_payment.paid",
			"customer.subscription.updated",
		]);
		expect(retried.subscription.status).toBe("active");
		expect(retried.invoice).toMatchObject({
			id: failed.invoice?.id,
			status: "paid",
			attempt_count: 2,
		});
		expect(retried.paymentIntent?.id).toBe(failed.paymentIntent?.id);
		// Nothing open any more: nothing to retry.
		const noneOpen = await fetch(
			`${test.emulator.url}/_emulator/subscriptions/${subscription.id}/retry`,
			{ method: "POST" },
		);
		expect(noneOpen.status).toBe(400);
	});

	it("declining cards turned back off: the retry pays with the same card", async () => {
		const { customer, subscription } = await subscribe(test);
		await control().setDeclining(customer.id, true);
		const failed = await control().advanceSubscription(subscription.id);
		expect(failed.subscription.status).toBe("past_due");
		const off = await control().setDeclining(customer.id, false);
		expect(off.declining).toEqual([]);
		const retried = await control().retrySubscription(subscription.id);
		expect(retried).toMatchObject({ outcome: "paid", subscription: { status: "active" } });
		expect(retried.paymentIntent?.payment_method).toBe(subscription.default_payment_method);
		// The retry happened at next_payment_attempt, the subscription's own time.
		expect(retried.invoice?.status_transitions.paid_at).toBe(failed.invoice?.next_payment_attempt);
	});

	it("after four failed attempts the subscription is canceled (or unpaid when set so)", async () => {
		for (const afterRetries of ["cancel", "unpaid"] as const) {
			await control().setAfterRetries(afterRetries);
			const { customer, subscription } = await subscribe(test);
			// 4000 0000 0000 0341 saves fine, then declines its payments.
			const saved = await control().saveCard(customer.id, { card: "4000000000000341" });
			await test.stripe.subscriptions.update(subscription.id, {
				default_payment_method: saved.paymentMethod.id,
			});
			const first = await control().advanceSubscription(subscription.id);
			expect([first.outcome, first.subscription.status]).toEqual(["failed", "past_due"]);
			const second = await control().retrySubscription(subscription.id);
			expect(types(second.events)).toEqual([
				"charge.failed",
				"payment_intent.payment_failed",
				"invoice.payment_failed",
			]);
			await control().retrySubscription(subscription.id);
			const last = await control().retrySubscription(subscription.id);
			expect(last.invoice).toMatchObject({
				status: "open",
				attempt_count: 4,
				next_payment_attempt: null,
			});
			if (afterRetries === "cancel") {
				expect(types(last.events).slice(-2)).toEqual([
					"invoice.payment_failed",
					"customer.subscription.deleted",
				]);
				expect(last.subscription).toMatchObject({
					status: "canceled",
					cancellation_details: { reason: "payment_failed" },
					ended_at: expect.any(Number),
				});
			} else {
				expect(types(last.events).slice(-2)).toEqual([
					"invoice.payment_failed",
					"customer.subscription.updated",
				]);
				expect(last.subscription.status).toBe("unpaid");
				// An unpaid subscription's next invoice is made but not attempted.
				const next = await control().advanceSubscription(subscription.id);
				expect(next.outcome).toBe("not_attempted");
				expect(next.invoice).toMatchObject({ status: "open", attempt_count: 0 });
			}
		}
		await control().setAfterRetries("cancel");
	});
});

describe("the portal's Subscriptions section", () => {
	it("in French: cancel at period end, don't cancel, change the quantity; then advance ends it", async () => {
		const { customer, subscription } = await subscribe(test);
		const portal = await portalFor(customer.id, "fr");
		const home = await (await fetch(portal.url)).text();
		expect(home).toContain('<h2 id="subscriptions-heading">Abonnements</h2>');
		expect(home).toContain(`data-subscription="${subscription.id}" data-status="active"`);
		expect(home).toContain('<strong id="subscription-plan-0">Beans club</strong>');
		expect(home).toMatch(/<span id="subscription-price-0">30,00\s\$US \/ mois<\/span>/);
		expect(home).toContain('<span id="subscription-quantity-0">1</span>');
		expect(home).toMatch(
			/<p class="hint" id="subscription-renewal-0">Se renouvelle le \d+ \S+ \d{4}<\/p>/,
		);
		expect(home).toContain(
			'id="cancel-subscription-0" aria-label="Résilier à la fin de la période : Beans club">Résilier à la fin de la période</button>',
		);

		const canceled = await post(`/p/session/${portal.id}/cancel_subscription`, {
			subscription: subscription.id,
		});
		expect(canceled.location).toBe(`/p/session/${portal.id}?done=cancel_subscription`);
		const canceling = await (await fetch(`${portal.url}?done=cancel_subscription`)).text();
		expect(canceling).toContain(
			'<p role="status" id="portal-notice">Votre abonnement sera résilié à la fin de la période.</p>',
		);
		expect(canceling).toContain(
			'<span class="default-badge" id="subscription-status-0">Résiliation prévue</span>',
		);
		expect(canceling).toMatch(/id="subscription-renewal-0">Prend fin le /);
		expect(canceling).toContain('id="resume-subscription-0"');
		expect((await test.stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(
			true,
		);

		await post(`/p/session/${portal.id}/resume_subscription`, { subscription: subscription.id });
		expect((await test.stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(
			false,
		);

		const badQuantity = await post(`/p/session/${portal.id}/update_quantity`, {
			subscription: subscription.id,
			quantity: "0",
		});
		expect(badQuantity.status).toBe(422);
		expect(badQuantity.html).toContain(
			'<div role="alert" id="portal-error">Saisissez une quantité d&#39;au moins 1.</div>',
		);
		const before = (await control().events()).length;
		const quantity = await post(`/p/session/${portal.id}/update_quantity`, {
			subscription: subscription.id,
			quantity: "2",
		});
		expect(quantity.status).toBe(303);
		const events = (await control().events()).slice(before);
		expect(types(events)).toEqual(["customer.subscription.updated"]);
		const changed = events[0]?.data.object as Stripe.Subscription | undefined;
		expect(changed?.items.data[0]?.quantity).toBe(2);
		const foreign = await post(`/p/session/${portal.id}/cancel_subscription`, {
			subscription: "sub_not_theirs",
		});
		expect(foreign.status).toBe(400);

		// The next renewal bills the new quantity, without proration.
		const renewal = await control().advanceSubscription(subscription.id);
		expect(renewal.invoice).toMatchObject({ total: 6000, lines: { data: [{ quantity: 2 }] } });

		// Canceled at the period's end: the advance ends it, with no invoice.
		await post(`/p/session/${portal.id}/cancel_subscription`, { subscription: subscription.id });
		const end = periodOf(renewal.subscription).end;
		const ended = await control().advanceSubscription(subscription.id);
		expect(ended.outcome).toBe("ended");
		expect(types(ended.events)).toEqual(["customer.subscription.deleted"]);
		expect(ended.invoice).toBeNull();
		expect(ended.subscription).toMatchObject({
			status: "canceled",
			ended_at: end,
			cancel_at_period_end: true,
			cancellation_details: { reason: "cancellation_requested" },
		});
		const gone = await (await fetch(portal.url)).text();
		expect(gone).not.toContain('id="subscriptions"');
		const refused = await fetch(
			`${test.emulator.url}/_emulator/subscriptions/${subscription.id}/advance`,
			{ method: "POST" },
		);
		expect(refused.status).toBe(400);
	});
});

describe("state kept across a restart (statePath)", () => {
	it("keeps subscriptions, invoices, products and prices; the clock goes on", async () => {
		const dir = mkdtempSync(join(tmpdir(), "stripe-emulator-"));
		const statePath = join(dir, "state.json");
		const first = await startTestEmulator({ statePath });
		const { subscription, invoice } = await subscribe(first);
		await first.close();
		const second = await startTestEmulator({ statePath });
		try {
			const kept = await second.stripe.subscriptions.retrieve(subscription.id);
			expect(kept.status).toBe("active");
			expect((await second.stripe.invoices.retrieve(invoice.id)).status).toBe("paid");
			await second.stripe.products.retrieve(String(kept.items.data[0]?.price.product));
			const renewal = await emulatorClient(second.emulator.url).advanceSubscription(kept.id);
			expect(renewal.outcome).toBe("paid");
		} finally {
			await second.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
