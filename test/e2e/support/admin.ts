import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { stack } from "./stack.ts";

/**
 * A product of the test's own (its id unique), made through the admin API: by
 * default something that neither ships nor downloads (a gift card).
 */
export async function createProduct(fields: Record<string, unknown> = {}): Promise<string> {
	const id = `gift-${randomBytes(3).toString("hex")}`;
	const { workerUrl, adminToken } = stack();
	const res = await fetch(`${workerUrl}/admin/products`, {
		method: "POST",
		headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
		body: JSON.stringify({
			id,
			name: `Gift card ${id}`,
			unitAmount: 2000,
			currency: "usd",
			shippable: false,
			...fields,
		}),
	});
	if (res.status !== 200) throw new Error(`product not created: ${await res.text()}`);
	return id;
}

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
