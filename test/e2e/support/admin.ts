import type { Page } from "playwright-core";
import { stack } from "./stack.ts";

/** The admin page, signed in with the stack's token, its console shown. */
export async function signIn(page: Page): Promise<void> {
	await page.goto("/admin.html");
	await page.getByLabel("Admin token").fill(stack().adminToken);
	await page.locator("#token-form button[type=submit]").click();
	await page.locator("#console:not([hidden])").waitFor();
}

/** The short number shoppers read on their page and in every e-mail, as the worker makes it. */
export const orderNumber = (orderId: string) => orderId.replace(/-/g, "").slice(0, 8).toUpperCase();

/** Presses Refund in the open order, then confirms in the console's own dialog. */
export async function refundConfirmed(page: Page): Promise<void> {
	await page.locator("#refund").click();
	await page.locator("#refund-confirm-yes").click();
}
