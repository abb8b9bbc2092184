/**
 * No serious or critical axe-core violations on our pages (support/axe.ts).
 */
import { describe, expect, it } from "vitest";
import { seriousViolations } from "./support/axe.ts";
import { useShopper } from "./support/journey.ts";
import { addToCart, openStorefront, PRODUCTS } from "./support/shop.ts";
import { stack } from "./support/stack.ts";

const { workerUrl } = stack();

async function checkout(): Promise<{ orderId: string; sessionId: string; resumeToken: string }> {
	const res = await fetch(`${workerUrl}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ items: [{ productId: PRODUCTS.espresso.id, quantity: 1 }] }),
	});
	return (await res.json()) as { orderId: string; sessionId: string; resumeToken: string };
}

describe("axe-core audit", () => {
	const shopper = useShopper();

	it("finds no serious or critical violations on the storefront, success, cancel and admin pages", async () => {
		const { page } = shopper();
		const found: Record<string, string[]> = {};
		await openStorefront(page);
		await addToCart(page, PRODUCTS.espresso);
		found.storefront = await seriousViolations(page);

		const { orderId, sessionId, resumeToken } = await checkout();
		await page.goto(`/success.html?session_id=${sessionId}`);
		await page.locator("#order:not([hidden])").waitFor();
		found.success = await seriousViolations(page);

		// As Stripe's page sends the shopper back: the link carries the order's resume token.
		await page.goto(`/cancel.html?order_id=${orderId}&token=${resumeToken}`);
		await page.getByRole("button", { name: "Resume payment" }).waitFor();
		found.cancel = await seriousViolations(page);

		await page.goto("/admin.html");
		await page.getByLabel("Admin token").waitFor();
		found.admin = await seriousViolations(page);

		expect(found).toEqual({ storefront: [], success: [], cancel: [], admin: [] });
	});
});
