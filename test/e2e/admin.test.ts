/**
 * The operator's page against the real worker: sign in with the token, find a
 * paid order, read its history, refund part of it, and see Stripe's refund
 * event agree.
 */
import { describe, expect, it } from "vitest";
import { refundConfirmed } from "./support/admin.ts";
import { orderInD1 } from "./support/d1.ts";
import { orderReaches, useShopper } from "./support/journey.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl, persistDir, adminToken } = stack();

async function paidOrder(): Promise<string> {
	const res = await fetch(`${workerUrl}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ items: [{ productId: "pour-over-kit", quantity: 2 }] }),
	});
	const { orderId, sessionId } = (await res.json()) as { orderId: string; sessionId: string };
	await fetch(`${emulatorUrl}/_emulator/sessions/${sessionId}/pay`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ card: "4242424242424242", email: "operator-test@example.com" }),
	});
	await orderReaches(orderId, "paid");
	return orderId;
}

describe("admin page", () => {
	const shopper = useShopper();

	it("refuses a wrong token, then shows a paid order's history and refunds part of it", async () => {
		const orderId = await paidOrder();
		const { page } = shopper();
		await page.goto("/admin.html");

		await page.getByLabel("Admin token").fill("not-the-token");
		await page.locator("#token-form button[type=submit]").click();
		await expect.poll(() => page.locator("#admin-error").textContent()).toMatch(/token/i);

		await page.getByLabel("Admin token").fill(adminToken);
		await page.locator("#token-form button[type=submit]").click();
		const row = page.locator(`#orders-body tr[data-order-id="${orderId}"]`);
		await row.waitFor();
		expect(await row.textContent()).toContain("paid");

		await row.locator("button[data-open-order]").click();
		const detail = () => page.locator("#order-detail").textContent();
		await expect.poll(detail).toContain("operator-test@example.com");
		// The history: created pending by checkout, paid by the webhook.
		await expect.poll(detail).toMatch(/checkout[\s\S]*pending[\s\S]*paid[\s\S]*webhook/);

		await page.locator("#refund-amount").fill("30");
		await refundConfirmed(page);
		await expect
			.poll(async () => (await orderInD1(persistDir, orderId))?.amountRefunded, { timeout: 15_000 })
			.toBe(3000);
		const inD1 = await orderInD1(persistDir, orderId);
		expect(inD1?.status).toBe("paid");
		await saveScreenshot(page, "admin-partial-refund");
		// The wrong token's 401 is the one expected console line; nothing else went wrong.
		const problems = shopper().problemsOnOurPages();
		expect(problems.filter((p) => !p.text.includes("status of 401"))).toEqual([]);
		expect(problems.filter((p) => p.text.includes("status of 401"))).toHaveLength(1);
	});
});
