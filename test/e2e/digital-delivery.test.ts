/**
 * The demo e-book as a shopper and the owner meet it (issue 28, SPEC 17): paid
 * on the hosted page, downloaded from the success page and from the e-mail in
 * the local mailbox, the order fulfilled by its delivery in the console, then
 * refunded there, after which its link says why it no longer works.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mailboxClient } from "local-mailbox/client";
import { describe, expect, it } from "vitest";
import { orderNumber, refundConfirmed, signIn } from "./support/admin.ts";
import { seriousViolations } from "./support/axe.ts";
import { useShopper } from "./support/journey.ts";
import {
	addToCart,
	CARD_OK,
	openStorefront,
	PRODUCTS,
	pressPay,
	successPageShows,
} from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, mailboxUrl } = stack();
const DEMO_PDF = readFileSync("seeds/files/brewing-guide.pdf");

for (const viewport of [
	{ width: 1280, height: 800 },
	{ width: 390, height: 844 },
]) {
	describe(`the e-book, at ${viewport.width} px`, () => {
		const shopper = useShopper({ acceptDownloads: true, viewport });

		it("is downloaded from the success page and the e-mail, fulfilled by its delivery, and refused once refunded", async () => {
			const { page } = shopper();
			const email = `reader-${randomBytes(3).toString("hex")}@example.com`;
			await openStorefront(page);
			await addToCart(page, PRODUCTS.guide);
			const sessionId = await pressPay(page);
			await page.locator("#method-card").check();
			await page.locator("#email").fill(email);
			await page.locator("#card-number").fill(CARD_OK);
			await page.locator("#card-expiry").fill("12 / 34");
			await page.locator("#card-cvc").fill("123");
			await Promise.all([page.waitForEvent("load"), page.locator("button#pay").click()]);
			await successPageShows(page, workerUrl, sessionId, "fulfilled");

			expect(await page.locator("#status-text").textContent()).toBe("Your order is delivered.");
			const link = page.locator("#download-list a");
			expect(await link.textContent()).toBe("Download Brewing guide (e-book)");
			expect(await page.locator("#download-note").textContent()).toMatch(
				/^Each link works 5 times, until \w+ \d+, \d{4} at \d{1,2}:\d{2} [AP]M UTC\.$/,
			);
			// Nothing here says it shipped.
			expect(await page.locator("#order-facts").innerText()).not.toMatch(/track|ship/i);
			expect(await seriousViolations(page)).toEqual([]);
			await saveScreenshot(page, `digital-delivery-success-${viewport.width}`);

			const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
			expect(download.suggestedFilename()).toBe("brewing-guide.pdf");
			expect(readFileSync((await download.path()) ?? "")).toEqual(DEMO_PDF);

			// The confirmation carries the same link, whole.
			const href = (await link.getAttribute("href")) ?? "";
			const mail = await mailboxClient(mailboxUrl).waitFor({ to: email }, { timeoutMs: 15_000 });
			expect(mail.text).toContain(`${workerUrl}${href}`);
			expect(mail.html).toContain(`${workerUrl}${href}`);
			const fromMail = await fetch(`${workerUrl}${href}`);
			expect(fromMail.status).toBe(200);
			expect(Buffer.from(await fromMail.arrayBuffer())).toEqual(DEMO_PDF);

			// The owner sees it fulfilled by its delivery, its link used twice, and refunds it.
			const orderId = (await page.locator("#order-id").textContent()) ?? "";
			await signIn(page);
			// It needs no attention: it is among the fulfilled orders.
			await page.locator("#status-filter").selectOption("fulfilled");
			await page
				.locator(`#orders-body tr[data-order-id="${orderId}"] button[data-open-order]`)
				.click();
			await page.locator("#detail-heading", { hasText: orderNumber(orderId) }).waitFor();
			expect(await page.locator("#detail-fields .badge-status").textContent()).toBe("fulfilled");
			expect(await page.locator("#detail-transitions").innerText()).toContain("delivery");
			expect(await page.locator("#download-links").innerText()).toContain(
				"Brewing guide (e-book) — 3 of 5 downloads left",
			);
			expect(await seriousViolations(page)).toEqual([]);
			await saveScreenshot(page, `digital-delivery-console-${viewport.width}`);
			await refundConfirmed(page);
			await page.locator("#detail-fields .badge-status", { hasText: "refunded" }).waitFor();
			expect(await page.locator("#detail-downloads").isHidden()).toBe(true);

			// The link from the e-mail now tells the shopper why it does not work.
			const refused = await page.goto(`${workerUrl}${href}`);
			expect(refused?.status()).toBe(410);
			expect(await page.locator("h1").textContent()).toBe("This download link does not work");
			expect(await page.locator("main").innerText()).toContain(
				"This order was refunded, so its downloads have ended.",
			);
			expect(await seriousViolations(page)).toEqual([]);
		});
	});
}
