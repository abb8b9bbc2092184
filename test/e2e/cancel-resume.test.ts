import { describe, expect, it } from "vitest";
import {
	expectCleanPages,
	expectCleanPagesBut409,
	orderFromApi,
	useShopper,
} from "./support/journey.ts";
import {
	addToCart,
	CARD_OK,
	onHostedPage,
	openStorefront,
	PRODUCTS,
	payByCard,
	pressPay,
	successPageShows,
} from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl } = stack();

describe("canceling on the hosted page", () => {
	const shopper = useShopper();

	it("lands on the cancel page, resumes the same Checkout Session and pays it", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.espresso);
		await addToCart(page, PRODUCTS.pourOver);
		const sessionId = await pressPay(page);
		const payPageUrl = page.url();

		await page.locator("a#back").click();
		await page.waitForURL(`${workerUrl}/cancel.html?*`);
		const orderId = new URL(page.url()).searchParams.get("order_id") ?? "";
		expect((await orderFromApi(orderId)).status).toBe("pending");
		// Back is not a cancellation: the session is still open, and nothing was charged.
		await page
			.getByRole("heading", { name: /You left the payment page — nothing was charged/ })
			.waitFor();
		expect(await page.locator("#cancel-summary").textContent()).toBe("2 items · $69.00");
		expect(await page.locator("#back-to-cart").getAttribute("href")).toBe("/");

		await page.getByRole("button", { name: "Resume payment" }).click();
		expect(await onHostedPage(page)).toBe(sessionId);
		expect(page.url()).toBe(payPageUrl);

		await payByCard(page, CARD_OK);
		await successPageShows(page, workerUrl, sessionId, "paid");
		expect(await page.locator("#order-id").textContent()).toBe(orderId);
		// $69.00 of goods and Standard shipping.
		expect(await page.locator("#order-total").textContent()).toBe("$74.00");
		await saveScreenshot(page, "cancel-resume-paid");
		expectCleanPages(shopper());
	});

	it("says a paid order is paid when its resume link is opened later, with no Resume, and links to the order", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.mug);
		const sessionId = await pressPay(page);
		await page.locator("a#back").click();
		await page.waitForURL(`${workerUrl}/cancel.html?*`);
		const resumeLink = page.url();
		const orderId = new URL(resumeLink).searchParams.get("order_id") ?? "";

		// Another tab pays it; this one was left open on the cancel page, and Resume is pressed.
		const other = await page.context().newPage();
		await other.goto(`${workerUrl}/cancel.html?${new URL(resumeLink).searchParams}`);
		await other.getByRole("button", { name: "Resume payment" }).click();
		expect(await onHostedPage(other)).toBe(sessionId);
		await payByCard(other, CARD_OK);
		await successPageShows(other, workerUrl, sessionId, "paid");
		await other.close();
		await page.getByRole("button", { name: "Resume payment" }).click();
		await page.getByRole("heading", { name: "This order is paid." }).waitFor();

		// The link itself, opened again (as from an e-mail), says the same, in French too.
		for (const [lang, heading, link] of [
			["en", "This order is paid.", "See your order"],
			["fr", "Cette commande est payée.", "Voir votre commande"],
		] as const) {
			await page.goto(`${resumeLink}&lang=${lang}`);
			await page.getByRole("heading", { name: heading }).waitFor();
			const body = (await page.locator("main").textContent()) ?? "";
			expect(body).not.toMatch(/nothing was charged|rien n'a été débité/);
			expect(await page.locator("#resume-form").isHidden()).toBe(true);
			await page.getByRole("link", { name: link }).click();
			await page.waitForURL(`${workerUrl}/success.html?session_id=${sessionId}&lang=${lang}`);
			await page.locator('#status[data-status="paid"]').waitFor();
			expect(await page.locator("#order-id").textContent()).toBe(orderId);
		}
		// The stale tab's Resume was answered 409 order_already_paid, as it should be: nothing else.
		expectCleanPagesBut409(shopper());
	});

	it("claims nothing on a bare cancel page, and turns this browser's own checkout into its link", async () => {
		const { page } = shopper();
		await page.goto("/cancel.html");
		await page.getByRole("heading", { name: "There is no checkout to resume here." }).waitFor();
		expect((await page.locator("main").textContent()) ?? "").not.toMatch(
			/nothing was charged|cart is saved/,
		);
		expect(await page.locator("#resume-form").isHidden()).toBe(true);

		// This browser left a checkout on Stripe's page: the bare page becomes that checkout's.
		await openStorefront(page);
		await addToCart(page, PRODUCTS.espresso);
		await pressPay(page);
		await page.goto("/cancel.html");
		await page.waitForURL(/\/cancel\.html\?order_id=/);
		await page
			.getByRole("heading", { name: /You left the payment page — nothing was charged/ })
			.waitFor();
		expect(await page.getByRole("button", { name: "Resume payment" }).isVisible()).toBe(true);
		expectCleanPages(shopper());
	});
});
