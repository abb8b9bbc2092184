/**
 * Customer accounts (SPEC 14) as a shopper meets them, in Chromium under the
 * e2e shop (SESSION_SECRET set): sign in from the mailbox's link, buy while
 * saving the card, buy again with it without typing it, see those orders and
 * an older guest order of the same address, add a card through set-up, open
 * the billing portal; on our own payment page, the saved card again; in French
 * on a phone without JavaScript; signing out for good.
 */
import { mailboxClient } from "local-mailbox/client";
import type { Page } from "playwright-core";
import { emulatorClient } from "stripe-emulator/client";
import { describe, expect, it } from "vitest";
import { newAddress, signIn } from "./support/account.ts";
import { violations } from "./support/axe.ts";
import { orderInD1 } from "./support/d1.ts";
import { expectCleanPages, useShopper } from "./support/journey.ts";
import {
	addToCart,
	CARD_OK,
	fillShipping,
	openStorefront,
	PRODUCTS,
	pressPay,
	successPageShows,
} from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl, mailboxUrl, persistDir } = stack();
const emulator = emulatorClient(emulatorUrl);
const mailbox = mailboxClient(mailboxUrl);

/** The order numbers the account page lists, in its order. */
const listedOrders = (page: Page) =>
	page
		.locator(".account-order h3")
		.evaluateAll((els) => els.map((el) => el.firstChild?.textContent?.trim() ?? ""));

/** Pays on the emulator's hosted page with a new card, the shipping step filled when it has one. */
async function payWithNewCard(page: Page, options: { email?: string; save?: boolean } = {}) {
	await page.locator("#method-card").check();
	if (options.email) await page.locator("#email").fill(options.email);
	if ((await page.locator("#shipping-name").count()) > 0) {
		if ((await page.locator("#shipping-name").inputValue()) === "") await fillShipping(page);
	}
	await page.locator("#card-number").fill(CARD_OK);
	await page.locator("#card-expiry").fill("12 / 34");
	await page.locator("#card-cvc").fill("123");
	if (options.save) await page.locator("#save-card").check();
	await Promise.all([page.waitForEvent("load"), page.locator("button#pay").click()]);
}

describe("a customer account, in English on a desktop", () => {
	const shopper = useShopper();

	it("signs in from the mailbox, saves a card while paying, pays with it, sees every order, adds a card, opens the portal", async () => {
		const { page } = shopper();
		const email = newAddress("ada");

		// An older order, placed as a guest with the same address.
		await openStorefront(page);
		await addToCart(page, PRODUCTS.espresso);
		const guestSession = await pressPay(page);
		await payWithNewCard(page, { email });
		await successPageShows(page, workerUrl, guestSession, "paid");
		const guestNumber = (await page.locator("#order-number").textContent())?.trim() ?? "";

		// The header's Account link, the sign-in page, the e-mail's link, the button.
		await page.locator("#account-link").click();
		await page.waitForURL(/\/account\.html/);
		expect(await violations(page)).toEqual([]);
		await signIn(page, email);
		expect(await page.locator("#signed-in-as").textContent()).toBe(`Signed in as ${email}`);
		expect(await listedOrders(page)).toEqual([`Order ${guestNumber}`]);
		expect(await violations(page)).toEqual([]);

		// Signed in: Stripe's page has the account's address and offers to save the card.
		await openStorefront(page);
		await addToCart(page, PRODUCTS.mug);
		const savingSession = await pressPay(page);
		expect(await page.locator("#email").inputValue()).toBe(email);
		expect(await page.locator("#email").getAttribute("readonly")).not.toBeNull();
		await payWithNewCard(page, { save: true });
		await successPageShows(page, workerUrl, savingSession, "paid");
		const [atStripe] = await emulator.customers(email);
		expect(atStripe?.paymentMethods.map((pm) => pm.card?.last4)).toEqual(["4242"]);

		// Again: the saved card is offered and chosen; nothing is typed.
		await openStorefront(page);
		await addToCart(page, PRODUCTS.pourOver);
		const savedSession = await pressPay(page);
		await expect.poll(() => page.locator("#saved-card-0").isChecked()).toBe(true);
		expect(await page.locator("label[for=saved-card-0]").textContent()).toContain("4242");
		if ((await page.locator("#shipping-name").count()) > 0) await fillShipping(page);
		await Promise.all([page.waitForEvent("load"), page.locator("button#pay").click()]);
		await successPageShows(page, workerUrl, savedSession, "paid");
		const savedOrder = (await emulator.session(savedSession)).metadata?.order_id ?? "";
		expect(await orderInD1(persistDir, savedOrder)).toMatchObject({ status: "paid" });
		// Still one card: paying with it saved nothing new.
		expect((await emulator.customers(email))[0]?.paymentMethods).toHaveLength(1);

		// The history: the three orders, newest first, each linking to its page.
		await page.goto("/account.html");
		const listed = await listedOrders(page);
		expect(listed).toHaveLength(3);
		expect(listed[2]).toBe(`Order ${guestNumber}`);
		await page.locator(".account-order a").first().click();
		await page.waitForURL(`${workerUrl}/success.html?session_id=${savedSession}&lang=en`);
		await page.locator('#status[data-status="paid"]').waitFor();

		// Add a card without paying (set-up), back to the account page.
		await page.goto("/account.html");
		await page.getByRole("button", { name: "Add a card" }).click();
		await page.locator("#setup-heading").waitFor();
		await page.locator("#card-number").fill("5555 5555 5555 4444");
		await page.locator("#card-expiry").fill("11 / 33");
		await page.locator("#card-cvc").fill("123");
		await Promise.all([page.waitForEvent("load"), page.locator("button#submit").click()]);
		await page.waitForURL(/\/account\.html\?card=added/);
		expect(await page.locator("#account-notice").textContent()).toBe(
			"Your card is saved. It will be offered at your next checkout.",
		);
		expect((await emulator.customers(email))[0]?.paymentMethods).toHaveLength(2);

		// The billing portal lists both cards, and leads back.
		await page.getByRole("button", { name: "Manage cards and billing" }).click();
		await page.locator("#customer-email").waitFor();
		expect(await page.locator("li[id^=payment-method-]").count()).toBe(2);
		await page.locator("#return-link").click();
		await page.waitForURL(/\/account\.html/);
		await page.locator("#signed-in").waitFor();
		await saveScreenshot(page, "account-en");
		expectCleanPages(shopper());
	});

	it("offers the saved card on our own payment page too, with the account's address", async () => {
		const { page } = shopper();
		const email = newAddress("grace");
		await signIn(page, email);
		// A card saved earlier (as a set-up would), on the customer's Stripe Customer.
		await page.getByRole("button", { name: "Add a card" }).click();
		await page.locator("#setup-heading").waitFor();
		await page.locator("#card-number").fill(CARD_OK);
		await page.locator("#card-expiry").fill("12 / 34");
		await page.locator("#card-cvc").fill("123");
		await Promise.all([page.waitForEvent("load"), page.locator("button#submit").click()]);
		await page.waitForURL(/\/account\.html\?card=added/);

		// The storefront's script starts the checkout on our page (the e-book: nothing to ship).
		const checkout = await page.evaluate(async (productId) => {
			const res = await fetch("/create-checkout-session", {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ items: [{ productId, quantity: 1 }], uiMode: "elements" }),
			});
			return (await res.json()) as { orderId: string; sessionId: string; resumeToken: string };
		}, PRODUCTS.guide.id);
		await page.goto(
			`/pay.html?${new URLSearchParams({ order_id: checkout.orderId, token: checkout.resumeToken })}`,
		);
		await page.locator("#pay-form").waitFor();
		const frame = page.frameLocator("#payment-element iframe");
		await frame.locator("#saved-card-0").waitFor();
		expect(await frame.locator("#saved-card-0").isChecked()).toBe(true);
		await expect.poll(() => page.locator("#email").inputValue()).toBe(email);
		expect(await page.locator("#email").getAttribute("readonly")).not.toBeNull();
		await page.locator("#pay-button").click();
		// A file: paid, then delivered by its link at once (SPEC 17).
		await successPageShows(page, workerUrl, checkout.sessionId, "fulfilled");
		expect(await orderInD1(persistDir, checkout.orderId)).toMatchObject({ status: "fulfilled" });
		expectCleanPages(shopper());
	});
});

describe("a customer account in French, on a phone", () => {
	const shopper = useShopper({
		locale: "fr-FR",
		viewport: { width: 390, height: 844 },
		isMobile: true,
		hasTouch: true,
	});

	it("signs in, shows the history, and signing out ends the session for good", async () => {
		const { page } = shopper();
		const email = newAddress("jeanne");
		await page.goto("/account.html");
		expect(await page.locator("html").getAttribute("lang")).toBe("fr");
		expect(await page.locator("#sign-in-heading").textContent()).toBe("Se connecter");
		expect(await violations(page)).toEqual([]);
		await signIn(page, email, "fr");
		expect(await page.locator("#signed-in-as").textContent()).toBe(`Connecté en tant que ${email}`);
		expect(await page.locator("#orders-none").isVisible()).toBe(true);
		expect(await violations(page)).toEqual([]);
		// The header's Account link and the languages fit a phone on every page.
		for (const path of ["/account.html", "/cancel.html", "/success.html"]) {
			if (path !== "/account.html") await page.goto(path);
			const wide = await page.evaluate(() => document.documentElement.scrollWidth);
			expect(wide, path).toBeLessThanOrEqual(390);
		}
		await page.goto("/account.html");
		await saveScreenshot(page, "account-fr-phone");

		// Signed out: the page asks to sign in again, even with the old cookie put back.
		const [session] = (await page.context().cookies()).filter((c) => c.name === "account");
		expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });
		await page.getByRole("button", { name: "Se déconnecter" }).click();
		await page.waitForURL(/signed=out/);
		expect(await page.locator("#account-notice").textContent()).toBe(
			"Déconnexion effectuée sur cet appareil.",
		);
		if (session) await page.context().addCookies([session]);
		await page.goto("/account.html");
		expect(await page.locator("#sign-in").isVisible()).toBe(true);
		expect(await page.locator("#signed-in").isVisible()).toBe(false);
		expectCleanPages(shopper());
	});
});

describe("a customer account without JavaScript", () => {
	const shopper = useShopper({ javaScriptEnabled: false });

	it("asks for a link, signs in with its button and lists the orders, all by forms", async () => {
		const { page } = shopper();
		const email = newAddress("nojs");
		await signIn(page, email);
		expect(await page.locator("#signed-in-as").textContent()).toBe(`Signed in as ${email}`);
		expect(await page.locator("#orders-none").isVisible()).toBe(true);
		// A used link again: the sign-in form, saying why.
		const [mail] = await mailbox.messages({ to: email });
		const link = /http:\/\/[^\s]+\/account\.html\?token=[A-Za-z0-9_-]+&lang=en/.exec(
			mail?.text ?? "",
		);
		await page.getByRole("button", { name: "Sign out" }).click();
		await page.waitForURL(/signed=out/);
		await page.goto(link?.[0] ?? "");
		expect(await page.locator("#confirm").isVisible()).toBe(false);
		expect(await page.locator("#account-notice").textContent()).toBe(
			"This sign-in link was already used or has expired. Ask for a new one below.",
		);
		expect(await page.locator("#sign-in").isVisible()).toBe(true);
	});
});
