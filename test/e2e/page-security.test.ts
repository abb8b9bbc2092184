import { describe, expect, it } from "vitest";
import { useShopper } from "./support/journey.ts";
import { onHostedPage, openStorefront, PRODUCTS } from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl } = stack();

describe("our pages in a real browser: no inline or third-party script runs", () => {
	const shopper = useShopper();

	it("refuses an injected inline script, and the journeys' CSP watch sees the violation", async () => {
		const { page } = shopper();
		await openStorefront(page);
		await page.evaluate(() => {
			const script = document.createElement("script");
			script.textContent = "window.__e2eInjected = true";
			document.head.append(script);
		});
		const cspViolations = () =>
			shopper()
				.problemsOnOurPages()
				.filter((p) => p.kind === "csp");
		await expect.poll(() => cspViolations().length, { timeout: 10_000 }).toBeGreaterThan(0);
		expect(await page.evaluate(() => "__e2eInjected" in window)).toBe(false);
	});

	it("lets a plain 'Buy now' form post redirect to the hosted page (form-action names the emulator)", async () => {
		const { page } = shopper();
		const response = await page.goto("/");
		const csp = (await response?.headerValue("content-security-policy")) ?? "";
		expect(csp).toMatch(/form-action 'self' https:\/\/checkout\.stripe\.com/);
		expect(csp).toContain(emulatorUrl);
		await openStorefront(page);
		await page
			.locator(`[data-product-id="${PRODUCTS.matcha.id}"]`)
			.getByRole("button", { name: `Buy ${PRODUCTS.matcha.name} now`, exact: true })
			.click();
		await onHostedPage(page);
		// The matcha and Standard shipping in yen.
		expect(await page.locator("#total-amount").textContent()).toBe("¥2,100");
		expect(shopper().problemsOnOurPages()).toEqual([]);
		expect(page.url().startsWith(workerUrl)).toBe(false);
		await saveScreenshot(page, "buy-now-hosted-page");
	});
});
