/**
 * Subscriptions (SPEC 15) through the worker, against the emulator's
 * Subscriptions and Invoices: the plan's checkout (signed in, one at a time),
 * events applied from Stripe's snapshot in any order and any number of times,
 * one order per paid invoice of a shippable plan, each e-mail once, the 500
 * that makes Stripe retry, not-ours ignored, the account and operator views.
 */
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
	customers,
	emails,
	invoices,
	orders,
	subscriptions,
	webhookEvents,
} from "../../src/db/schema.ts";
import type { Bindings } from "../../src/env.ts";
import { reconcile } from "../../src/services/orders/reconcile.ts";
import { SUBSCRIPTION_RESYNC_AFTER_MS } from "../../src/services/subscriptions/resync.ts";
import { TEST_ADMIN_TOKEN } from "../support/constants.ts";
import { post, signIn } from "./helpers/accounts.ts";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { db, depsFor } from "./helpers/db.ts";
import { dashboard, emulator } from "./helpers/emulator.ts";
import { deliver } from "./helpers/webhooks.ts";

const BOX = "coffee-box"; // $30.00 a month, shippable
const CLUB = "brew-club"; // $48.00 a year, digital
const PARIS = {
	name: "Jeanne Martin",
	line1: "8 rue de Rivoli",
	city: "Paris",
	postalCode: "75004",
	country: "FR",
	phone: "+33 1 23 45 67 89",
};

/** The shop's countries (the worker tests' own setting has none): a box asks where it goes. */
const SHIPS = { SHIPPING_COUNTRIES: "US,FR" } as Partial<Bindings>;

const subscribe = (cookie: string | null, productId = BOX, quantity = 1) =>
	post(
		"/create-checkout-session",
		{ items: [{ productId, quantity }] },
		cookie ? { cookie: `account=${cookie}` } : {},
		SHIPS,
	);

/** The events the emulator made about a customer, in the order Stripe sent them. */
async function eventsOf(stripeCustomerId: string, after = new Set<string>()) {
	return (await emulator.events()).filter(
		(e) => !after.has(e.id) && JSON.stringify(e.data.object).includes(stripeCustomerId),
	);
}

const stripeCustomerOf = async (address: string) =>
	(await db.select().from(customers).where(eq(customers.email, address)))[0]?.stripeCustomerId ??
	"";

/** A signed-in customer subscribed and paid at Stripe, nothing delivered yet. */
async function paidSubscription(productId = BOX, quantity = 1) {
	const shopper = await signIn();
	const res = await subscribe(shopper.cookie, productId, quantity);
	expect(res.status).toBe(200);
	const answer = await res.json<{ orderId: null; sessionId: string; url: string }>();
	const session = await emulator.session(answer.sessionId);
	await emulator.pay(
		answer.sessionId,
		session.shipping_address_collection ? { shipping: PARIS } : {},
	);
	const stripeCustomerId = await stripeCustomerOf(shopper.address);
	const [subscription] = await emulator.subscriptions(stripeCustomerId);
	if (!subscription) throw new Error("no subscription at the emulator");
	return { ...shopper, ...answer, stripeCustomerId, subscription };
}

const rowOf = async (id: string) =>
	(await db.select().from(subscriptions).where(eq(subscriptions.id, id)))[0];
const ordersOf = (id: string) => db.select().from(orders).where(eq(orders.subscriptionId, id));
const emailsOf = (id: string) =>
	db.select().from(emails).where(eq(emails.subscriptionId, id)).orderBy(emails.createdAt);

describe("plans in the catalog", () => {
	it("are listed per month or year with accounts on, and neither listed nor sold without", async () => {
		const on = await (await exports.default.fetch(`${ORIGIN}/api/products`)).json<{
			products: { id: string; recurringInterval: string | null }[];
		}>();
		expect(on.products.find((p) => p.id === BOX)?.recurringInterval).toBe("month");
		expect(on.products.find((p) => p.id === CLUB)?.recurringInterval).toBe("year");
		const OFF = { SESSION_SECRET: undefined } as unknown as Partial<Bindings>;
		const off = await (await fetchWithEnv(new Request(`${ORIGIN}/api/products`), OFF)).json<{
			products: { id: string }[];
		}>();
		expect(off.products.map((p) => p.id)).not.toContain(BOX);
		const res = await post(
			"/create-checkout-session",
			{ items: [{ productId: BOX, quantity: 1 }] },
			{},
			OFF,
		);
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_cart" } });
	});
});

describe("a plan's checkout", () => {
	it("needs a signed-in customer (401 sign_in_required) and a cart of the plan alone", async () => {
		const guest = await subscribe(null);
		expect(guest.status).toBe(401);
		expect(await guest.json()).toMatchObject({ error: { code: "sign_in_required" } });
		const { cookie } = await signIn();
		const mixed = await post(
			"/create-checkout-session",
			{
				items: [
					{ productId: BOX, quantity: 1 },
					{ productId: "travel-mug", quantity: 1 },
				],
			},
			{ cookie: `account=${cookie}` },
		);
		expect(mixed.status).toBe(400);
		expect(await mixed.json()).toMatchObject({ error: { code: "invalid_cart" } });
	});

	it("makes a subscription-mode session for the customer's Stripe Customer, with our ids in its metadata", async () => {
		const { cookie, customerId, address } = await signIn();
		const res = await subscribe(cookie, BOX, 2);
		expect(res.status).toBe(200);
		const answer = await res.json<{
			orderId: null;
			sessionId: string;
			url: string;
			resumeToken: null;
		}>();
		expect(answer).toMatchObject({ orderId: null, resumeToken: null });
		const session = await emulator.session(answer.sessionId);
		expect(session).toMatchObject({
			mode: "subscription",
			customer: await stripeCustomerOf(address),
			metadata: { customer_id: customerId, product_id: BOX },
			amount_total: 6000,
		});
		expect(session.success_url).toBe(`${ORIGIN}/success.html?session_id={CHECKOUT_SESSION_ID}`);
	});

	it("answers a double click and a second tab with the same session, never a second subscription", async () => {
		const { cookie, address } = await signIn();
		const answers = await Promise.all([subscribe(cookie), subscribe(cookie), subscribe(cookie)]);
		const ok = answers.filter((r) => r.status === 200);
		// Those that find the first still creating its session are told to ask again.
		for (const r of answers.filter((r) => r.status !== 200)) {
			expect(r.status).toBe(409);
			expect(await r.clone().json()).toMatchObject({ error: { code: "request_in_progress" } });
		}
		const ids = new Set(
			await Promise.all(ok.map(async (r) => (await r.json<{ sessionId: string }>()).sessionId)),
		);
		const again = await (await subscribe(cookie)).json<{ sessionId: string }>();
		expect([...ids, again.sessionId].every((id) => id === again.sessionId)).toBe(true);
		const stripeCustomerId = await stripeCustomerOf(address);
		const sessions = (await emulator.requests("/v1/checkout/sessions")).filter((r) =>
			JSON.stringify(r.params).includes(stripeCustomerId),
		);
		expect(sessions).toHaveLength(1);
	});
});

describe("subscribing again", () => {
	it("is a new checkout at once after the subscription ended, though its checkout's claim is still young", async () => {
		const paid = await paidSubscription();
		for (const event of await eventsOf(paid.stripeCustomerId)) await deliver(event);
		const seen = new Set((await eventsOf(paid.stripeCustomerId)).map((e) => e.id));
		const canceled = await exports.default.fetch(
			`${ORIGIN}/admin/subscriptions/${paid.subscription.id}/cancel`,
			{
				method: "POST",
				headers: {
					authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
					"content-type": "application/json",
				},
				body: JSON.stringify({}),
			},
		);
		expect(await canceled.json()).toMatchObject({ status: "canceled" });
		for (const event of await eventsOf(paid.stripeCustomerId, seen)) await deliver(event);
		const again = await subscribe(paid.cookie);
		expect(again.status).toBe(200);
		const second = await again.json<{ sessionId: string }>();
		expect(second.sessionId).not.toBe(paid.sessionId);
		expect((await emulator.session(second.sessionId)).status).toBe("open");
	});
});

describe("the pages a plan's checkout returns to", () => {
	it("success: the account page, which asks Stripe when the webhook is late; cancel: nothing was charged", async () => {
		const paid = await paidSubscription();
		const success = await exports.default.fetch(
			`${ORIGIN}/success.html?session_id=${paid.sessionId}&lang=en`,
			{ redirect: "manual" },
		);
		expect(success.status).toBe(303);
		expect(success.headers.get("location")).toBe(
			`/account.html?subscribed=${paid.sessionId}&lang=en`,
		);
		// No event delivered yet: the page asks Stripe, and shows the subscription.
		const page = await (
			await exports.default.fetch(`${ORIGIN}${success.headers.get("location")}`, {
				headers: { cookie: `account=${paid.cookie}` },
			})
		).text();
		expect(/id="account-notice"[^>]*>([^<]*)</.exec(page)?.[1]).toBe(
			"Thank you: your subscription has started. It is listed below.",
		);
		expect(page).toContain(`data-subscription-id="${paid.subscription.id}"`);
		expect((await rowOf(paid.subscription.id))?.status).toBe("active");
		const cancel = await (
			await exports.default.fetch(`${ORIGIN}/cancel.html?plan=${BOX}&lang=fr`)
		).text();
		expect(/id="cancel-heading"[^>]*>([^<]*)</.exec(cancel)?.[1]).toBe(
			"Vous êtes parti avant de vous abonner : rien n'a été débité.",
		);
	});
});

describe("a subscription's events", () => {
	it("in Stripe's order: active, its invoice, one order to ship to the checkout's address, subscription_started once", async () => {
		const paid = await paidSubscription();
		const events = await eventsOf(paid.stripeCustomerId);
		for (const event of events) expect((await deliver(event)).status, event.type).toBe(200);
		const row = await rowOf(paid.subscription.id);
		expect(row).toMatchObject({
			status: "active",
			productId: BOX,
			quantity: 1,
			unitAmount: 3000,
			currency: "usd",
			interval: "month",
			cancelAtPeriodEnd: false,
			shippingCity: "Paris",
		});
		const made = await ordersOf(paid.subscription.id);
		expect(made).toHaveLength(1);
		expect(made[0]).toMatchObject({
			status: "paid",
			amount: 3000,
			subtotal: 3000,
			customerId: paid.customerId,
			customerEmail: paid.address,
			shippingCity: "Paris",
			checkoutCompleted: true,
		});
		expect(made[0]?.invoiceId).toMatch(/^in_/);
		expect(made[0]?.stripePaymentIntentId).toMatch(/^pi_/);
		const [bill] = await db
			.select()
			.from(invoices)
			.where(eq(invoices.id, made[0]?.invoiceId ?? ""));
		expect(bill).toMatchObject({ status: "paid", amountPaid: 3000 });
		expect((await emailsOf(paid.subscription.id)).map((e) => e.kind)).toEqual([
			"subscription_started",
		]);
		// Subscribed: the plan again is refused.
		const again = await subscribe(paid.cookie);
		expect(again.status).toBe(409);
		expect(await again.json()).toMatchObject({ error: { code: "already_subscribed" } });
	});

	it("in any order, any number of times, end where Stripe is, with one order per paid invoice and each e-mail once", async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
				const paid = await paidSubscription();
				// A renewal too, and a cancellation at the period's end, then its end.
				await emulator.advanceSubscription(paid.subscription.id);
				// Canceled at the period's end in the billing portal (Stripe's page, not ours).
				await dashboard().subscriptions.update(paid.subscription.id, {
					cancel_at_period_end: true,
				});
				await emulator.advanceSubscription(paid.subscription.id);
				const events = await eventsOf(paid.stripeCustomerId);
				const schedule =
					fc.sample(fc.shuffledSubarray([...events, ...events], { minLength: events.length * 2 }), {
						seed,
						numRuns: 1,
					})[0] ?? [];
				for (const event of schedule) {
					const res = await deliver(event);
					expect([200, 409], event.type).toContain(res.status);
				}
				// Whatever came late or twice: each event once more, as Stripe retries what failed.
				for (const event of events) expect((await deliver(event)).status).toBe(200);
				const [atStripe] = await emulator.subscriptions(paid.stripeCustomerId);
				const row = await rowOf(paid.subscription.id);
				expect(row?.status).toBe(atStripe?.status);
				expect(row?.status).toBe("canceled");
				const made = await ordersOf(paid.subscription.id);
				expect(made).toHaveLength(2);
				expect(new Set(made.map((o) => o.invoiceId)).size).toBe(2);
				const kinds = (await emailsOf(paid.subscription.id)).map((e) => e.kind).sort();
				// No confirmation of a renewal the shopper did not place: its shipping notice follows.
				expect(kinds).toEqual(["subscription_canceled", "subscription_started"]);
			}),
			{ numRuns: 4, seed: 20261206 },
		);
	}, 120_000);

	it("delivered at once, in parallel, still make one order per invoice", async () => {
		const paid = await paidSubscription();
		const events = await eventsOf(paid.stripeCustomerId);
		const answers = await Promise.all([...events, ...events, ...events].map((e) => deliver(e)));
		expect(answers.every((r) => r.status === 200 || r.status === 409)).toBe(true);
		for (const event of events) expect([200, 409]).toContain((await deliver(event)).status);
		expect(await ordersOf(paid.subscription.id)).toHaveLength(1);
		expect((await emailsOf(paid.subscription.id)).map((e) => e.kind)).toEqual([
			"subscription_started",
		]);
	});

	it("a declined renewal makes the subscription past due and owes subscription_payment_failed once; the fixed card pays the retry", async () => {
		const paid = await paidSubscription();
		const seen = new Set((await eventsOf(paid.stripeCustomerId)).map((e) => e.id));
		for (const event of await eventsOf(paid.stripeCustomerId)) await deliver(event);
		await emulator.setDeclining(paid.stripeCustomerId, true);
		await emulator.advanceSubscription(paid.subscription.id);
		const failed = await eventsOf(paid.stripeCustomerId, seen);
		for (const event of [...failed, ...failed]) expect((await deliver(event)).status).toBe(200);
		expect((await rowOf(paid.subscription.id))?.status).toBe("past_due");
		expect((await emailsOf(paid.subscription.id)).map((e) => e.kind)).toEqual([
			"subscription_started",
			"subscription_payment_failed",
		]);
		// The account page says so, with the way to fix the card.
		const page = await (
			await exports.default.fetch(`${ORIGIN}/account.html?lang=en`, {
				headers: { cookie: `account=${paid.cookie}` },
			})
		).text();
		expect(page).toContain("Payment failed");
		expect(page).toContain("Update my card");
		for (const e of failed) seen.add(e.id);
		await emulator.setDeclining(paid.stripeCustomerId, false);
		await emulator.retrySubscription(paid.subscription.id);
		for (const event of await eventsOf(paid.stripeCustomerId, seen)) await deliver(event);
		expect((await rowOf(paid.subscription.id))?.status).toBe("active");
		// The box of the renewal, once it was paid.
		expect(await ordersOf(paid.subscription.id)).toHaveLength(2);
	}, 30_000);

	it("reads in French on the account page: the plan's name, its price per month, when it renews", async () => {
		const paid = await paidSubscription();
		for (const event of await eventsOf(paid.stripeCustomerId)) await deliver(event);
		const page = await (
			await exports.default.fetch(`${ORIGIN}/account.html?lang=fr`, {
				headers: { cookie: `account=${paid.cookie}` },
			})
		).text();
		const item =
			/<li class="account-order" data-subscription-id="[^"]+">([\s\S]*?)<\/li>/.exec(page)?.[1] ??
			"";
		expect(item).toContain("Box café mensuelle");
		expect(item).toContain(">Actif<");
		expect(item).toMatch(/30,00\u00a0\$US \/ mois · se renouvelle le \d{1,2} [a-zéû]+ \d{4}/);
		expect(item).toContain(">Gérer<");
	});

	it("a digital plan makes no order", async () => {
		const paid = await paidSubscription(CLUB);
		for (const event of await eventsOf(paid.stripeCustomerId)) await deliver(event);
		expect((await rowOf(paid.subscription.id))?.status).toBe("active");
		expect(await ordersOf(paid.subscription.id)).toHaveLength(0);
		expect((await emailsOf(paid.subscription.id)).map((e) => e.kind)).toEqual([
			"subscription_started",
		]);
	});

	it("answers 500 when Stripe cannot give the snapshot, so Stripe retries, and applies it then", async () => {
		const paid = await paidSubscription();
		const events = await eventsOf(paid.stripeCustomerId);
		const created = events.find((e) => e.type === "customer.subscription.created");
		if (!created) throw new Error("no customer.subscription.created");
		const { fault } = await emulator.addFault({
			match: `/v1/subscriptions/${paid.subscription.id}`,
			status: 500,
			count: 4,
		});
		const res = await deliver(created);
		expect(res.status).toBe(500);
		const [ledger] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, created.id));
		expect(ledger?.result).toBe("failed");
		expect(await rowOf(paid.subscription.id)).toBeUndefined();
		await emulator.releaseFaults(fault.id);
		await emulator.clearFaults();
		expect((await deliver(created)).status).toBe(200);
		expect((await rowOf(paid.subscription.id))?.status).toBe("active");
	});

	it("ignores a subscription that is not ours (no customer of ours in its metadata)", async () => {
		const paid = await paidSubscription();
		const [event] = await eventsOf(paid.stripeCustomerId);
		const subEvent = (await eventsOf(paid.stripeCustomerId)).find(
			(e) => e.type === "customer.subscription.created",
		);
		if (!event || !subEvent) throw new Error("no events");
		const object = {
			...(subEvent.data.object as Stripe.Subscription),
			metadata: { customer_id: "someone-else" },
		};
		const foreign = {
			...subEvent,
			id: `evt_foreign_${crypto.randomUUID().slice(0, 8)}`,
			data: { object },
		};
		expect((await deliver(foreign as Stripe.Event)).status).toBe(200);
		const [ledger] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, foreign.id));
		expect(ledger).toMatchObject({ result: "ignored", error: "not our subscription" });
		expect(await rowOf(paid.subscription.id)).toBeUndefined();
	});
});

describe("the operator's view and the Cron", () => {
	it("lists, details and cancels at period end; the dashboard counts it with its monthly revenue", async () => {
		const paid = await paidSubscription(BOX, 2);
		for (const event of await eventsOf(paid.stripeCustomerId)) await deliver(event);
		const admin = (path: string, init: RequestInit = {}) =>
			exports.default.fetch(`${ORIGIN}${path}`, {
				...init,
				headers: {
					authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
					"content-type": "application/json",
				},
			});
		const list = await (await admin("/admin/subscriptions?status=active")).json<{
			subscriptions: { id: string; customerEmail: string; quantity: number }[];
		}>();
		expect(list.subscriptions.find((s) => s.id === paid.subscription.id)).toMatchObject({
			customerEmail: paid.address,
			quantity: 2,
		});
		const detail = await (await admin(`/admin/subscriptions/${paid.subscription.id}`)).json<{
			invoices: { status: string }[];
			orders: { id: string }[];
		}>();
		expect(detail.invoices.map((i) => i.status)).toEqual(["paid"]);
		expect(detail.orders).toHaveLength(1);
		const order = await (await admin(`/admin/orders/${detail.orders[0]?.id}`)).json<{
			subscriptionId: string;
			invoiceId: string;
		}>();
		expect(order.subscriptionId).toBe(paid.subscription.id);
		const board = await (await admin("/admin/dashboard")).json<{
			subscriptions: { currency: string; active: number; monthlyRecurringRevenue: number }[];
		}>();
		const usd = board.subscriptions.find((s) => s.currency === "usd");
		expect(usd?.active).toBeGreaterThanOrEqual(1);
		expect(usd?.monthlyRecurringRevenue).toBeGreaterThanOrEqual(6000);
		const canceled = await admin(`/admin/subscriptions/${paid.subscription.id}/cancel`, {
			method: "POST",
			body: JSON.stringify({ atPeriodEnd: true }),
		});
		expect(await canceled.json()).toMatchObject({ status: "active", cancelAtPeriodEnd: true });
		expect((await admin("/admin/subscriptions/sub_nope")).status).toBe(404);
	});

	it("re-syncs a live subscription whose snapshot is a day old, within the run's Stripe calls", async () => {
		const paid = await paidSubscription();
		for (const event of await eventsOf(paid.stripeCustomerId)) await deliver(event);
		// Canceled at Stripe, its events lost.
		await emulator.advanceSubscription(paid.subscription.id);
		await db
			.update(subscriptions)
			.set({ syncedAt: Date.now() - SUBSCRIPTION_RESYNC_AFTER_MS - 1000 })
			.where(eq(subscriptions.id, paid.subscription.id));
		const deps = depsFor(env as Bindings);
		const report = await reconcile(deps, { graceSeconds: 0 });
		expect(report.subscriptionsSynced).toBeGreaterThanOrEqual(1);
		const row = await rowOf(paid.subscription.id);
		expect(row?.syncedAt).toBeGreaterThan(Date.now() - 60_000);
	});
});
