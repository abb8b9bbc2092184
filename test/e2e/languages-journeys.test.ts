/**
 * Whole journeys in French and without JavaScript, and the axe audit in French
 * and in dark mode: the shop's pages and Stripe's (the emulator's) agree on the
 * language, and a shopper without scripts can buy, pay and read the outcome.
 */
import { emulatorClient } from "stripe-emulator/client";
import { describe, expect, it } from "vitest";
import { PARIS } from "../support/constants.ts";
import { seriousViolations } from "./support/axe.ts";
import { expectCleanPages, orderReaches, useShopper } from "./support/journey.ts";
import {
	CARD_OK,
	fillShipping,
	onHostedPage,
	openStorefront,
	PRODUCTS,
	payByCard,
	successPageShows,
} from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl } = stack();
const emulator = emulatorClient(emulatorUrl);

/** Text with its (narrow) no-break spaces as plain spaces, as a reader sees it. */
const plain = (text: string | null) => (text ?? "").replace(/[\u00a0\u202f]/g, " ").trim();
const usdFr = (amount: number) =>
	plain(new Intl.NumberFormat("fr", { style: "currency", currency: "USD" }).format(amount));

describe("a French shopper", () => {
	const shopper = useShopper({ locale: "fr-FR" });

	it("shops, pays on a French payment page and reads a French confirmation", async () => {
		const { page } = shopper();
		await openStorefront(page);
		expect(await page.locator("html").getAttribute("lang")).toBe("fr");
		await page
			.locator(`[data-product-id="${PRODUCTS.espresso.id}"]`)
			.getByRole("button", { name: `Ajouter ${PRODUCTS.espresso.fr} au panier` })
			.click();
		await page.locator("#cart").getByRole("button", { name: "Payer", exact: true }).click();
		const sessionId = await onHostedPage(page);
		// Stripe's page speaks the shop's language: the checkout sent `locale: "fr"`.
		expect(await page.locator("html").getAttribute("lang")).toBe("fr");
		expect(await page.locator("legend").first().textContent()).toBeTruthy();
		await fillShipping(page, PARIS);
		await payByCard(page, CARD_OK);

		await successPageShows(page, workerUrl, sessionId, "paid");
		expect(await page.locator("html").getAttribute("lang")).toBe("fr");
		expect(plain(await page.locator("#status-text").textContent())).toBe("Paiement reçu — merci !");
		expect(plain(await page.locator("#order-subtotal").textContent())).toBe(usdFr(24));
		expect(plain(await page.locator("#order-heading").textContent())).toBe(
			"Récapitulatif de la commande",
		);
		await saveScreenshot(page, "fr-paid");
		expectCleanPages(shopper());
	});
});

describe("a shopper without JavaScript", () => {
	const shopper = useShopper({ javaScriptEnabled: false });

	it("buys with the Buy now form, pays, and reads the order's state the worker wrote", async () => {
		const { page } = shopper();
		await page.goto("/");
		const form = page.locator(`form:has(input[name="productId"][value="${PRODUCTS.espresso.id}"])`);
		expect(await form.count()).toBe(1);
		await form.locator('input[name="quantity"]').fill("2");
		await Promise.all([
			page.waitForURL(/\/pay\/cs_/),
			form.getByRole("button", { name: `Buy ${PRODUCTS.espresso.name} now` }).click(),
		]);
		const sessionId = await onHostedPage(page);
		await payByCard(page, CARD_OK);

		// No script runs here: the worker rendered the status, and the page refreshes itself until paid.
		await successPageShows(page, workerUrl, sessionId, "paid");
		expect(await page.locator("#status-text").textContent()).toBe("Payment received — thank you!");
		expect(await page.locator("#order-subtotal").textContent()).toBe("$48.00");
		expect(await page.locator("#order-items").textContent()).toContain(PRODUCTS.espresso.name);
		expect(await page.locator("#order-number").textContent()).toMatch(/^[0-9A-F]{8}$/);
		await saveScreenshot(page, "nojs-paid");
	});

	it("gets the shop's page, in its language, when a form post is refused", async () => {
		const { page } = shopper();
		const res = await fetch(`${workerUrl}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ items: [{ productId: PRODUCTS.mug.id, quantity: 1 }] }),
		});
		const { orderId, sessionId, resumeToken } = (await res.json()) as {
			orderId: string;
			sessionId: string;
			resumeToken: string;
		};
		// A tab left open on the cancel page while the order is paid in another: its Resume is
		// refused with 409 (a page opened now would say the order is paid, with no Resume).
		await page.goto(`/cancel.html?order_id=${orderId}&token=${resumeToken}&lang=fr`);
		await emulator.pay(sessionId);
		await orderReaches(orderId, "paid");
		await Promise.all([page.waitForEvent("load"), page.locator("#resume").click()]);
		expect(page.url()).toBe(`${workerUrl}/create-checkout-session`);
		expect(await page.locator("html").getAttribute("lang")).toBe("fr");
		expect(await page.locator("h1").textContent()).toBe(
			"Nous n'avons pas pu démarrer votre paiement",
		);
		expect(await page.locator("main p.muted").textContent()).toBe(
			"Cette commande est déjà payée : il n'y a plus rien à régler.",
		);
		expect(
			await page.getByRole("link", { name: "Retour à la boutique" }).getAttribute("href"),
		).toBe("/");
		expect(await page.getByRole("link", { name: "English" }).getAttribute("href")).toBe(
			"/?lang=en",
		);
		await saveScreenshot(page, "nojs-refused-fr");
	});
});

describe("the axe audit in French and in dark mode", () => {
	const shopper = useShopper({ locale: "fr-FR", colorScheme: "dark" });

	it("finds no serious or critical violations on the storefront, success and cancel pages", async () => {
		const { page } = shopper();
		const found: Record<string, string[]> = {};
		await openStorefront(page);
		await page
			.locator(`[data-product-id="${PRODUCTS.espresso.id}"]`)
			.getByRole("button", { name: `Ajouter ${PRODUCTS.espresso.fr} au panier` })
			.click();
		await page.locator("#cart-count").filter({ hasText: "1" }).waitFor();
		found.storefront = await seriousViolations(page);
		const res = await fetch(`${workerUrl}/create-checkout-session`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				items: [{ productId: PRODUCTS.espresso.id, quantity: 1 }],
				locale: "fr",
			}),
		});
		const { orderId, sessionId, resumeToken } = (await res.json()) as {
			orderId: string;
			sessionId: string;
			resumeToken: string;
		};
		await page.goto(`/success.html?session_id=${sessionId}`);
		await page.locator("#status[data-status]").waitFor();
		found.success = await seriousViolations(page);
		await page.goto(`/cancel.html?order_id=${orderId}&token=${resumeToken}`);
		await page.locator("#resume").waitFor();
		found.cancel = await seriousViolations(page);
		expect(found).toEqual({ storefront: [], success: [], cancel: [] });
	});
});
