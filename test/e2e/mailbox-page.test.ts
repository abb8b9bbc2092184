/**
 * The message page in a real browser: the email's HTML is shown, and none of
 * its scripts or handlers run, in the frame or against the mailbox's page.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Mailbox } from "../../packages/local-mailbox/src/server.ts";
import { send, shopEmail, startTestMailbox } from "../../packages/local-mailbox/test/helpers.ts";
import { launchChromium } from "./support/chromium.ts";

let mailbox: Mailbox;
let browser: Browser;
beforeAll(async () => {
	mailbox = await startTestMailbox();
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
	await mailbox?.close();
});

const HOSTILE = `<!doctype html><html><head><title>x</title></head><body>
<p id="shown">Your order is paid</p>
<a id="status" href="http://127.0.0.1:9/orders/1">Order status</a>
<script>document.body.dataset.ran = "script"; try { parent.document.title = "owned"; } catch {}</script>
<img src="x" onerror="document.body.dataset.ran = 'onerror'; parent.document.title = 'owned';">
</body></html>`;

describe("the message page in Chromium", () => {
	it("renders the email's HTML and runs none of its scripts", async () => {
		const sent = await send(mailbox, shopEmail({ subject: "Paid", html: HOSTILE }));
		const context = await browser.newContext();
		try {
			const page = await context.newPage();
			const dialogs: string[] = [];
			page.on("dialog", (dialog) => {
				dialogs.push(dialog.message());
				void dialog.dismiss();
			});
			await page.goto(`${mailbox.url}/messages/${sent.body.id}`);
			const frame = page.frameLocator("iframe");
			await expect.poll(() => frame.locator("#shown").textContent()).toBe("Your order is paid");
			expect(await frame.locator("#status").getAttribute("href")).toBe(
				"http://127.0.0.1:9/orders/1",
			);
			expect(await frame.locator("body").getAttribute("data-ran")).toBeNull();
			expect(await page.title()).toBe("Paid · Local mailbox");
			expect(dialogs).toEqual([]);
			// The page itself runs nothing either: no script may touch it.
			expect(await page.evaluate(() => document.scripts.length)).toBe(0);
		} finally {
			await context.close();
		}
	});
});
