/**
 * Keyboard and labelling checks a shopper meets: focus reaches each page's
 * main action and every form control has a label. The axe-core audit of
 * The axe-core audit is in axe.test.ts.
 */
import type { Page } from "playwright-core";
import { emulatorClient } from "stripe-emulator/client";
import { describe, expect, it } from "vitest";
import { expectCleanPages, orderReaches, useShopper } from "./support/journey.ts";
import {
	addToCart,
	CARD_DECLINED,
	onHostedPage,
	openStorefront,
	PRODUCTS,
	successPageShows,
} from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl } = stack();
const emulator = emulatorClient(emulatorUrl);

/**
 * Presses Tab on a freshly loaded page (focus starts at the top) until `name`
 * has focus; answers the names passed on the way.
 */
async function tabTo(page: Page, name: string, maxPresses = 60): Promise<string[]> {
	const path: string[] = [];
	for (let i = 0; i < maxPresses; i++) {
		await page.keyboard.press("Tab");
		const focused = await page.evaluate(() => {
			const el = document.activeElement as HTMLElement | null;
			if (!el || el === document.body) return "(body)";
			return (el.getAttribute("aria-label") ?? el.textContent ?? el.tagName)
				.replace(/\s+/g, " ")
				.trim();
		});
		path.push(focused);
		if (focused === name) return path;
	}
	throw new Error(`Tab never reached "${name}"; it went through: ${path.join(" | ")}`);
}

/** Form controls without a label, buttons and links without a name, images without alt. */
function unlabelled(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const problems: string[] = [];
		const describe = (el: Element) => el.outerHTML.slice(0, 120);
		const named = (el: Element) =>
			Boolean(
				el.getAttribute("aria-label")?.trim() ||
					el.getAttribute("aria-labelledby")?.trim() ||
					el.getAttribute("title")?.trim(),
			);
		for (const el of document.querySelectorAll<HTMLInputElement>("input, select, textarea")) {
			if (el.type === "hidden") continue;
			const labels = [...(el.labels ?? [])].filter((label) => label.textContent?.trim());
			if (labels.length === 0 && !named(el)) problems.push(`no label: ${describe(el)}`);
		}
		for (const el of document.querySelectorAll<HTMLElement>("button, a[href]")) {
			if (!el.textContent?.trim() && !named(el)) problems.push(`no name: ${describe(el)}`);
		}
		for (const el of document.querySelectorAll("img:not([alt])"))
			problems.push(`no alt: ${describe(el)}`);
		if (!document.documentElement.lang) problems.push("no lang on <html>");
		return problems;
	});
}

/** A checkout made through the API, as the storefront's script would make it. */
async function checkoutFor(
	productId: string,
): Promise<{ orderId: string; sessionId: string; resumeToken: string }> {
	const response = await fetch(`${workerUrl}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ items: [{ productId, quantity: 1 }] }),
	});
	if (!response.ok) throw new Error(`checkout: HTTP ${response.status} ${await response.text()}`);
	return (await response.json()) as { orderId: string; sessionId: string; resumeToken: string };
}

describe("accessibility smoke", () => {
	const shopper = useShopper();

	it("storefront: Tab reaches Pay, Enter on it opens checkout, every control is labelled", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await addToCart(page, PRODUCTS.espresso);
		// A fresh load, so Tab starts from the top; the cart is kept in localStorage.
		await page.reload();
		await page.locator("#pay:enabled").waitFor();
		expect(await unlabelled(page)).toEqual([]);
		const path = await tabTo(page, "Pay");
		expect(path[0]).toBe("Skip to content");
		await saveScreenshot(page, "a11y-storefront");
		expectCleanPages(shopper());

		await page.keyboard.press("Enter");
		await onHostedPage(page);
		// The emulator's page stands in for Stripe's: labelled too.
		expect(await unlabelled(page)).toEqual([]);
	});

	it("success page of a failed payment: Tab reaches Try again, every control is labelled", async () => {
		const { page } = shopper();
		const { orderId, sessionId } = await checkoutFor(PRODUCTS.mug.id);
		const paid = await fetch(`${emulatorUrl}/_emulator/sessions/${sessionId}/pay`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ card: CARD_DECLINED.replaceAll(" ", "") }),
		});
		expect(((await paid.json()) as { outcome: string }).outcome).toBe("declined");
		await orderReaches(orderId, "failed");

		await page.goto(`/success.html?session_id=${sessionId}`);
		await successPageShows(page, workerUrl, sessionId, "failed");
		expect(await unlabelled(page)).toEqual([]);
		await tabTo(page, "Try again");
		await saveScreenshot(page, "a11y-success-failed");
		expectCleanPages(shopper());
	});

	it("fits a phone screen: no page scrolls sideways", async () => {
		const { page } = shopper();
		await page.setViewportSize({ width: 360, height: 740 });
		const { orderId, sessionId, resumeToken } = await checkoutFor(PRODUCTS.espresso.id);
		const sideways = () =>
			page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

		await openStorefront(page);
		await addToCart(page, PRODUCTS.pourOver);
		expect(await sideways()).toBeLessThanOrEqual(0);
		await page.goto(`/cancel.html?order_id=${orderId}&token=${resumeToken}`);
		await page.getByRole("button", { name: "Resume payment" }).waitFor();
		expect(await sideways()).toBeLessThanOrEqual(0);
		await page.goto(`/success.html?session_id=${sessionId}`);
		await page.locator("#order:not([hidden])").waitFor();
		expect(await sideways()).toBeLessThanOrEqual(0);
		await saveScreenshot(page, "a11y-phone-success");
		expectCleanPages(shopper());
	});

	it("cancel page: Tab reaches Resume payment, every control is labelled", async () => {
		const { page } = shopper();
		const { orderId, sessionId, resumeToken } = await checkoutFor(PRODUCTS.pourOver.id);
		// As Stripe's page sends the shopper back: the cancel URL carries the order's resume token.
		await page.goto(`/cancel.html?order_id=${orderId}&token=${resumeToken}`);
		await page.getByRole("button", { name: "Resume payment" }).waitFor();
		expect(await unlabelled(page)).toEqual([]);
		await tabTo(page, "Resume payment");
		await saveScreenshot(page, "a11y-cancel");
		expectCleanPages(shopper());

		await page.keyboard.press("Enter");
		expect(await onHostedPage(page)).toBe(sessionId);
		expect((await emulator.session(sessionId)).status).toBe("open");
	});
});
