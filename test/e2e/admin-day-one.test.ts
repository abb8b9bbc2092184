/**
 * The owner's day one in the console (SPEC 17): a private note in the order's
 * history, the packing slip printed from its own window, a refund with its
 * reason, note and restock confirmed in the page's own dialog, the day's orders
 * exported to CSV, and a confirmation sent again to a corrected address, read
 * in the local mailbox.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mailboxClient } from "local-mailbox/client";
import { emulatorClient } from "stripe-emulator/client";
import { describe, expect, it } from "vitest";
import { createProduct, orderNumber, signIn } from "./support/admin.ts";
import { seriousViolations } from "./support/axe.ts";
import { orderReaches, useShopper } from "./support/journey.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl, mailboxUrl, adminToken } = stack();
const emulator = emulatorClient(emulatorUrl);

/** A gift card of this test's own, 10 in stock: what a refund may put back. */
const stockOf = async (id: string) =>
	(
		(await (
			await fetch(`${workerUrl}/admin/products/${id}`, {
				headers: { authorization: `Bearer ${adminToken}` },
			})
		).json()) as { stock: number | null }
	).stock;

/** A paid order of this test's own: the e-book and a gift card, its e-mail given on the emulator's page. */
async function paidOrder(email: string, gift: string): Promise<string> {
	const res = await fetch(`${workerUrl}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({
			items: [
				{ productId: "brewing-guide", quantity: 1 },
				{ productId: gift, quantity: 1 },
			],
		}),
	});
	expect(res.status).toBe(200);
	const { orderId, sessionId } = (await res.json()) as { orderId: string; sessionId: string };
	await emulator.pay(sessionId, { email });
	await orderReaches(orderId, "paid");
	return orderId;
}

describe("the owner's day one", () => {
	const shopper = useShopper({ acceptDownloads: true });

	it("notes an order, prints its packing slip, refunds it with a reason and a restock, exports the day's orders and resends its confirmation to a corrected address", async () => {
		const typo = `day1-${randomBytes(3).toString("hex")}@exmaple.com`;
		const gift = await createProduct({ stock: 10 });
		const orderId = await paidOrder(typo, gift);
		expect(await stockOf(gift)).toBe(9);
		const number = orderNumber(orderId);
		const { page } = shopper();
		await signIn(page);

		// Find it and open it.
		await page.getByLabel("Find an order").fill(typo);
		await page.getByRole("button", { name: "Search" }).click();
		await page.locator(`button[data-open-order="${orderId}"]`).waitFor();
		// The list as shown, its slips printed together (one order found: one slip).
		const [slips] = await Promise.all([
			page.waitForEvent("popup"),
			page.getByRole("button", { name: "Print packing slips of the orders shown" }).click(),
		]);
		await slips.waitForLoadState();
		await expect.poll(() => slips.locator("article.slip").count()).toBe(1);
		expect(await slips.locator(".slip-order").innerText()).toContain(number);
		await slips.close();
		await page.locator(`button[data-open-order="${orderId}"]`).click();
		await expect.poll(() => page.locator("#detail-heading").textContent()).toBe(`Order ${number}`);

		// A private note, in the history.
		await page.getByLabel("Private note").fill("Customer phoned: the address had a typo.");
		await page.getByRole("button", { name: "Add note" }).click();
		await expect
			.poll(() => page.locator("#detail-transitions").innerText())
			.toContain("Note: Customer phoned: the address had a typo.");
		expect(await seriousViolations(page)).toEqual([]);

		// The packing slip, in a window of its own.
		const [slip] = await Promise.all([
			page.waitForEvent("popup"),
			page.getByRole("button", { name: "Print packing slip", exact: true }).click(),
		]);
		await slip.waitForLoadState();
		await expect.poll(() => slip.locator("h1").textContent()).toBe("Packing slip");
		expect(await slip.locator(".slip-items").innerText()).toContain("Brewing guide");
		expect(await slip.locator(".slip-items").innerText()).toContain(`Gift card ${gift}`);
		await saveScreenshot(slip, "packing-slip");
		await slip.close();

		// Refund it with a reason, a note and its guide back in stock, confirmed in the page's own dialog.
		await page.getByLabel("Reason").selectOption("requested_by_customer");
		await page.getByLabel("Note", { exact: true }).fill("Bought twice by mistake.");
		// Only the gift card may go back (the e-book's stock is unlimited).
		expect(await page.locator("#refund-restock input").count()).toBe(1);
		await page.getByLabel(`Gift card ${gift} (up to 1)`).fill("1");
		await page.locator("#refund").click();
		const confirm = page.locator("#refund-confirm");
		await confirm.waitFor();
		expect(await confirm.innerText()).toContain(`Put back in stock: 1 × Gift card ${gift}.`);
		// The safe answer has the keyboard.
		expect(await page.evaluate(() => document.activeElement?.id)).toBe("refund-confirm-no");
		expect(await seriousViolations(page)).toEqual([]);
		await page.locator("#refund-confirm-yes").click();
		await expect
			.poll(() => page.locator("#refund-status").textContent())
			.toMatch(/^Refunded \$29\.00: succeeded/);
		expect(await page.locator("#detail-transitions").innerText()).toContain(
			`requested by customer); back in stock: 1 × Gift card ${gift}; note: Bought twice by mistake.`,
		);
		expect(await stockOf(gift)).toBe(10);
		await page.locator("#close-detail").click();

		// The day's orders, to CSV: the list's search, today.
		await page.getByText("Export the orders shown to CSV").click();
		const today = new Date().toISOString().slice(0, 10);
		await page.locator("#export-from").fill(today);
		await page.locator("#export-to").fill(today);
		const [download] = await Promise.all([
			page.waitForEvent("download"),
			page.getByRole("button", { name: "Export CSV" }).click(),
		]);
		const csv = readFileSync((await download.path()) ?? "", "utf8");
		expect(csv.charCodeAt(0)).toBe(0xfeff);
		const lines = csv.slice(1).split("\r\n").filter(Boolean);
		expect(lines).toHaveLength(2);
		expect(lines[1]).toContain(`${number},${orderId},`);
		expect(lines[1]).toContain(typo);
		expect(lines[1]).toContain(",refunded,");
		expect(await page.locator("#export-status").textContent()).toBe("Exported 1 order.");

		// The confirmation went to the mistyped address; sent again, from the Emails tab, to the right one.
		const mailbox = mailboxClient(mailboxUrl);
		await mailbox.waitFor({ to: typo }, { timeoutMs: 15_000 });
		// The mailbox has it before the worker records it sent: Resend is offered once it is.
		await expect
			.poll(
				async () => {
					const res = await fetch(`${workerUrl}/admin/emails?orderId=${orderId}`, {
						headers: { authorization: `Bearer ${adminToken}` },
					});
					const { emails } = (await res.json()) as { emails: { status: string }[] };
					// Its confirmation and its refund's e-mail.
					return emails.map((e) => e.status).join(",");
				},
				{ timeout: 15_000 },
			)
			// Its refund's e-mail and its confirmation, newest first.
			.toBe("sent,sent");
		await page.getByRole("tab", { name: /Emails/ }).click();
		const row = page.locator("#emails-body tr", { hasText: typo }).first();
		await row.waitFor();
		await expect.poll(() => row.locator("details.resend-to").count()).toBe(1);
		await row.getByText("To another address").click();
		const fixed = typo.replace("exmaple", "example");
		await row.getByLabel("Corrected address").fill(fixed);
		await row.getByRole("button", { name: "Send there" }).click();
		const mail = await mailbox.waitFor({ to: fixed }, { timeoutMs: 15_000 });
		expect(mail.subject).toContain(number);
		await expect.poll(() => page.locator("#emails-body").innerText()).toContain(fixed);
		expect(await page.locator("#emails-body").innerText()).toContain(
			"Sent again to a corrected address",
		);
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-resend-to");
	});
});
