/**
 * A monthly coffee box (SPEC 15) as the shopper and the owner meet it, in
 * Chromium against the e2e shop (accounts on, the emulator's subscriptions and
 * its clock, webhooks forwarded as Stripe sends them): subscribe signed in,
 * the first box to ship, a renewal that makes the next order, a declined
 * renewal fixed in the billing portal, a cancellation at the period's end.
 */
import { mailboxClient } from "local-mailbox/client";
import type { Page } from "playwright-core";
import { emulatorClient } from "stripe-emulator/client";
import { describe, expect, it } from "vitest";
import { newAddress, signIn } from "./support/account.ts";
import { signIn as signInToConsole } from "./support/admin.ts";
import { seriousViolations } from "./support/axe.ts";
import { expectCleanPages, useShopper } from "./support/journey.ts";
import { CARD_OK, fillShipping, openStorefront } from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl, mailboxUrl, adminToken } = stack();
const emulator = emulatorClient(emulatorUrl);
const mailbox = mailboxClient(mailboxUrl);

type AdminSubscription = {
	id: string;
	status: string;
	cancelAtPeriodEnd: boolean;
	orders: { id: string; status: string }[];
};

async function admin<T>(path: string, init: RequestInit = {}): Promise<T> {
	const res = await fetch(`${workerUrl}${path}`, {
		...init,
		headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
	});
	if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

/** The subscription as the operator's API shows it, once `check` holds. */
async function subscriptionReaches(id: string, check: (s: AdminSubscription) => boolean) {
	await expect
		.poll(async () => check(await admin<AdminSubscription>(`/admin/subscriptions/${id}`)), {
			timeout: 20_000,
		})
		.toBe(true);
	return admin<AdminSubscription>(`/admin/subscriptions/${id}`);
}

/** The account page's subscription: its status badge's words and its facts line. */
async function shownSubscription(page: Page) {
	await page.goto("/account.html");
	const item = page.locator("#subscription-list li").first();
	return {
		status: (await item.locator(".badge").textContent())?.trim(),
		facts: (await item.locator(".account-order-facts").textContent())?.trim(),
	};
}

describe("a monthly coffee box", () => {
	const shopper = useShopper();

	it("is subscribed to, ships every month, survives a declined card fixed in the portal, and ends when canceled", async () => {
		const { page } = shopper();
		const email = newAddress("box");
		await signIn(page, email);

		// The storefront: the plan's price per month, "Subscribe" for a signed-in shopper.
		await openStorefront(page);
		const card = page.locator('[data-product-id="coffee-box"]');
		// AUTOMATIC_TAX=on in the e2e shop: tax is added on top.
		expect(await card.locator(".product-price").textContent()).toBe("$30.00 / month excl. tax");
		await card.getByRole("button", { name: "Subscribe to Monthly coffee box" }).click();
		await page.locator("#subscribe-heading").waitFor();
		expect(await page.locator("#recurring-price").textContent()).toContain("$30.00 / month");
		await fillShipping(page);
		await page.locator("#method-card").check();
		await page.locator("#card-number").fill(CARD_OK);
		await page.locator("#card-expiry").fill("12 / 34");
		await page.locator("#card-cvc").fill("123");
		await Promise.all([page.waitForEvent("load"), page.locator("button#pay").click()]);

		// Back on our success page, which sends a plan's checkout to the account page.
		await page.waitForURL(/\/account\.html\?subscribed=cs_/);
		await expect
			.poll(async () => (await shownSubscription(page)).status, { timeout: 20_000 })
			.toBe("Active");
		expect((await shownSubscription(page)).facts).toMatch(/^\$30\.00 \/ month · renews on /);
		expect(await seriousViolations(page)).toEqual([]);
		const started = await mailbox.waitFor({ to: email, subject: "subscription has started" });
		expect(started.text).toContain("Monthly coffee box");

		// The operator sees it and its first order, and ships it.
		const list = await admin<{ subscriptions: { id: string; customerEmail: string }[] }>(
			"/admin/subscriptions?status=active",
		);
		const id = list.subscriptions.find((s) => s.customerEmail === email)?.id ?? "";
		const first = await subscriptionReaches(id, (s) => s.orders.length === 1);
		const firstOrder = first.orders[0]?.id ?? "";
		// The console's order names the subscription and the invoice that made it.
		const owner = await page.context().newPage();
		await signInToConsole(owner);
		await owner.locator(`[data-open-order="${firstOrder}"]`).first().click();
		await expect.poll(() => owner.locator("#detail-fields").textContent()).toContain(id);
		await owner.close();
		await admin(`/admin/orders/${firstOrder}/fulfill`, {
			method: "POST",
			body: JSON.stringify({ carrier: "La Poste", trackingNumber: "6A123" }),
		});

		// A month on: the renewal is paid and makes the next box's order.
		await emulator.advanceSubscription(id);
		await subscriptionReaches(id, (s) => s.orders.length === 2);

		// The next renewal is declined: past due, its e-mail, the account page says how to fix it.
		const [customer] = await emulator.customers(email);
		await emulator.setDeclining(customer?.customer.id ?? "", true);
		await emulator.advanceSubscription(id);
		await subscriptionReaches(id, (s) => s.status === "past_due");
		await mailbox.waitFor({ to: email, subject: "the payment did not go through" });
		await page.goto("/account.html");
		expect(await page.locator("#subscription-list .alert").textContent()).toContain(
			"The latest payment did not go through",
		);
		await saveScreenshot(page, "subscription-past-due");
		// The portal: a new card, which pays the retry.
		await page.getByRole("button", { name: "Update my card" }).click();
		await page.locator("#customer-email").waitFor();
		await page.locator("#add-card").click();
		await page.locator("#card-number").fill("5555 5555 5555 4444");
		await page.locator("#card-expiry").fill("12 / 34");
		await page.locator("#card-cvc").fill("123");
		await Promise.all([page.waitForEvent("load"), page.locator("#add-card-submit").click()]);
		const added = page.locator("li[id^=payment-method-]", { hasText: "4444" });
		if ((await added.getAttribute("data-default")) === null)
			await added.getByRole("button", { name: /Make default/ }).click();
		await emulator.retrySubscription(id);
		await subscriptionReaches(id, (s) => s.status === "active" && s.orders.length === 3);

		// Canceled at the period's end in the portal: it says so everywhere, then ends.
		await page.goto("/account.html");
		await page.getByRole("button", { name: "Manage", exact: true }).click();
		await page.locator("#cancel-subscription-0").click();
		await page.locator("#return-link").click();
		await page.waitForURL(/\/account\.html/);
		await expect
			.poll(async () => (await shownSubscription(page)).facts, { timeout: 20_000 })
			.toMatch(/ends on /);
		await subscriptionReaches(id, (s) => s.cancelAtPeriodEnd);
		await emulator.advanceSubscription(id);
		await subscriptionReaches(id, (s) => s.status === "canceled");
		await mailbox.waitFor({ to: email, subject: "subscription has ended" });
		expect((await shownSubscription(page)).status).toBe("Ended");
		// Three boxes in all: none for the period after the end.
		expect((await admin<AdminSubscription>(`/admin/subscriptions/${id}`)).orders).toHaveLength(3);
		await saveScreenshot(page, "subscription-ended");
		expectCleanPages(shopper());
	}, 180_000);
});

describe.each([
	{ width: 1280, height: 800 },
	{ width: 390, height: 844 },
])("the console's Subscriptions tab ($width×$height)", (viewport) => {
	const shopper = useShopper({ viewport });

	it("lists a subscription, opens its invoices and orders, and cancels it at the period's end", async () => {
		const { page } = shopper();
		const email = newAddress("console");
		await signIn(page, email);
		// Subscribed through the shop's API from the signed-in page, paid at Stripe.
		const { sessionId } = await page.evaluate(async () => {
			const res = await fetch("/create-checkout-session", {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ items: [{ productId: "brew-club", quantity: 1 }] }),
			});
			return (await res.json()) as { sessionId: string };
		});
		const { subscription } = (await emulator.pay(sessionId)) as { subscription?: { id: string } };
		const id = subscription?.id ?? "";
		await subscriptionReaches(id, (s) => s.status === "active");

		await signInToConsole(page);
		await page.locator("#tab-subscriptions").click();
		const row = page.locator("#subscriptions-body tr", { hasText: email });
		await row.waitFor();
		expect(await row.textContent()).toContain("$48.00 / year");
		await row.getByRole("button", { name: "Details" }).click();
		await page.locator("#subscription-detail-heading").waitFor();
		expect(await page.locator("#subscription-detail").textContent()).toContain(
			"None: a digital plan, or no paid invoice yet.",
		);
		page.once("dialog", (dialog) => void dialog.accept());
		await page.locator("#cancel-at-period-end").click();
		await expect
			.poll(() => page.locator("#subscription-action-status").textContent())
			.toBe("It ends at the end of its period.");
		expect((await admin<AdminSubscription>(`/admin/subscriptions/${id}`)).cancelAtPeriodEnd).toBe(
			true,
		);
		const wide = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(wide).toBeLessThanOrEqual(viewport.width);
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, `console-subscriptions-${viewport.width}`);
		expectCleanPages(shopper());
	}, 60_000);
});
