/**
 * The operator sees the shop's e-mails on the admin page: a paid order's
 * confirmation in the Emails tab and under the order, one that failed with its
 * error and the failed count on the tab, and "Resend" sending it again through
 * the queue; an e-mail that no longer exists is explained next to its button
 * without signing the operator out.
 */
import { randomBytes } from "node:crypto";
import { mailboxClient } from "local-mailbox/client";
import type { Page } from "playwright-core";
import { emulatorClient } from "stripe-emulator/client";
import { describe, expect, it } from "vitest";
import { localD1File, openSqlite } from "../../scripts/stack.ts";
import { orderNumber, signIn } from "./support/admin.ts";
import { seriousViolations } from "./support/axe.ts";
import { d1Query } from "./support/d1.ts";
import { orderReaches, useShopper } from "./support/journey.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl, mailboxUrl, persistDir } = stack();
const emulator = emulatorClient(emulatorUrl);

/**
 * A paid order of this test's own, its customer e-mail given on the emulator's
 * page. The emulator delivers `payment_intent.succeeded` (no address) before
 * `checkout.session.completed` (the address): the confirmation is owed when the
 * address is learnt.
 */
async function paidOrder(email: string): Promise<string> {
	const res = await fetch(`${workerUrl}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ items: [{ productId: "brewing-guide", quantity: 1 }] }),
	});
	expect(res.status).toBe(200);
	const { orderId, sessionId } = (await res.json()) as { orderId: string; sessionId: string };
	await emulator.pay(sessionId, { email });
	// The e-book: delivered by its download link once paid.
	await orderReaches(orderId, "fulfilled");
	return orderId;
}

type EmailRow = { id: string; kind: string; to: string; status: string; last_error: string | null };

const emailsOf = (orderId: string) =>
	d1Query<EmailRow>(
		persistDir,
		"select id, kind, `to`, status, last_error from emails where order_id = ? order by created_at",
		orderId,
	);

/** Writes to the shop's local D1 as an outage would have left it (the worker holds the file too). */
async function d1Write(sql: string, ...params: string[]): Promise<void> {
	const db = await openSqlite(localD1File(persistDir));
	try {
		db.exec("PRAGMA busy_timeout = 5000");
		db.prepare(sql).run(...params);
	} finally {
		db.close();
	}
}

/** A row's cells by column header, each as its lines of visible text (screen-reader-only text left out). */
async function rowByHeader(page: Page, row: string): Promise<Record<string, string[]>> {
	return page.locator(row).evaluate((tr) => {
		const table = tr.closest("table");
		const headers = [...(table?.querySelectorAll("thead th") ?? [])].map(
			(th) => th.textContent?.trim() ?? "",
		);
		return Object.fromEntries(
			[...tr.querySelectorAll("td")].map((td, i) => {
				const cell = td.cloneNode(true) as HTMLElement;
				for (const hidden of cell.querySelectorAll(".visually-hidden")) hidden.remove();
				const lines = [...cell.childNodes]
					.map((node) => node.textContent?.trim() ?? "")
					.filter((text) => text !== "");
				return [headers[i] ?? String(i), lines];
			}),
		);
	});
}

/** Serious or critical axe-core violations (axe injected through DevTools, outside the CSP). */

describe("admin page: e-mails", () => {
	const shopper = useShopper();

	it("lists a paid order's confirmation, shows it failed with its error and count, and resends it", async () => {
		const to = `emails-${randomBytes(4).toString("hex")}@example.com`;
		const orderId = await paidOrder(to);
		// Written with the payment, sent by the queue moments later.
		await expect
			.poll(async () => (await emailsOf(orderId)).map((e) => [e.kind, e.status]), {
				timeout: 30_000,
				interval: 200,
			})
			.toEqual([["order_confirmation", "sent"]]);
		const [confirmation] = await emailsOf(orderId);
		const emailId = (confirmation as EmailRow).id;
		const tabRow = `#emails-body tr[data-email-id="${emailId}"]`;

		const { page } = shopper();
		await signIn(page);
		await page.getByRole("tab", { name: /^Emails/ }).click();
		await page.locator(tabRow).waitFor();
		const number = orderId.replace(/-/g, "").slice(0, 8).toUpperCase();
		const listed = await rowByHeader(page, tabRow);
		expect(listed).toMatchObject({
			Order: [number],
			"E-mail": ["Order confirmation (en)", expect.stringContaining(`order ${number}`)],
			Recipient: [to],
			Status: ["sent", "1 attempt", expect.stringMatching(/^sent \S/)],
			"Last error": ["—"],
			// Resend, and the form to send it to a corrected address.
			Action: expect.arrayContaining(["Resend"]),
		});
		// One "Resend" per row, each named for its e-mail.
		const resendName = `Resend the order confirmation e-mail to ${to}`;
		expect(await page.locator(tabRow).getByRole("button", { name: resendName }).count()).toBe(1);
		expect(await seriousViolations(page)).toEqual([]);

		// On a phone each e-mail is a card: nothing scrolls sideways, Resend is in reach.
		await page.setViewportSize({ width: 390, height: 844 });
		const wrap = await page.locator("#emails-body").evaluate((body) => {
			const region = body.closest(".table-wrap") as HTMLElement;
			return { scroll: region.scrollWidth, client: region.clientWidth };
		});
		expect(wrap.scroll).toBeLessThanOrEqual(wrap.client);
		const resend = page.locator(tabRow).getByRole("button", { name: resendName });
		await resend.scrollIntoViewIfNeeded();
		const box = await resend.boundingBox();
		expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
		expect(await seriousViolations(page)).toEqual([]);
		await page.setViewportSize({ width: 1280, height: 900 });

		// The order's own e-mails, under its detail (opened from the e-mail's row).
		await page.locator(`${tabRow} button[data-open-order]`).click();
		await page.locator("#detail-heading", { hasText: orderNumber(orderId) }).waitFor();
		const detailRow = `#detail-emails tr[data-email-id="${emailId}"]`;
		await page.locator(detailRow).waitFor();
		expect(await page.locator("#detail-emails tr").count()).toBe(1);
		expect(await rowByHeader(page, detailRow)).toMatchObject({
			"E-mail": listed["E-mail"],
			Recipient: [to],
			Status: listed.Status,
			// Resend, and the form to send it to a corrected address.
			Action: expect.arrayContaining(["Resend"]),
		});
		expect(await seriousViolations(page)).toEqual([]);

		// The provider refused it: failed, with its error, and counted on the tab.
		await d1Write("update emails set status = 'failed', last_error = 'test' where id = ?", emailId);
		// The order's detail is a dialog over the tab: Escape closes it, back on the e-mail's row.
		await page.keyboard.press("Escape");
		await page.getByRole("tab", { name: /^Emails/ }).click();
		await page.locator("#emails-status-filter").selectOption("failed");
		await expect
			.poll(() => page.locator(`${tabRow} .badge-status`).textContent(), { timeout: 10_000 })
			.toBe("failed");
		expect(await rowByHeader(page, tabRow)).toMatchObject({
			Status: ["failed", "1 attempt", expect.stringMatching(/^last sent \S/)],
			"Last error": ["test"],
			// Resend, and the form to send it to a corrected address.
			Action: expect.arrayContaining(["Resend"]),
		});
		// Other files' e-mails may fail too: at least this one is counted.
		const tab = page.getByRole("tab", { name: /^Emails/ });
		await expect.poll(() => tab.innerText()).toMatch(/^Emails \([1-9]\d* failed\)$/);
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-email-failed");

		// Resend: queued again at once, then sent to the same address.
		await page.locator(tabRow).getByRole("button", { name: resendName }).click();
		const feedback = page.locator(`${tabRow} .action-feedback`);
		await expect.poll(() => feedback.textContent()).toMatch(/Queued to send again|Sent again/);
		expect(["pending", "sent"]).toContain(
			await page.locator(`${tabRow} .badge-status`).textContent(),
		);
		expect(await page.locator("#console").isVisible()).toBe(true);
		await expect
			.poll(async () => (await emailsOf(orderId))[0]?.status, { timeout: 30_000, interval: 200 })
			.toBe("sent");
		// The row follows the e-mail until the queue has sent it.
		await expect
			.poll(() => page.locator(`${tabRow} .badge-status`).textContent(), { timeout: 20_000 })
			.toBe("sent");
		expect(await feedback.textContent()).toBe("Sent again.");
		expect(await rowByHeader(page, tabRow)).toMatchObject({
			Status: ["sent", "1 attempt", expect.stringMatching(/^sent \S/)],
			"Last error": ["—"],
			Action: expect.arrayContaining(["Resend", "Sent again."]),
		});
		if (mailboxUrl) {
			const mailbox = mailboxClient(mailboxUrl);
			await expect
				.poll(async () => (await mailbox.messages({ to })).length, { timeout: 10_000 })
				.toBe(2);
		}
		// The detail's row says the same.
		await expect.poll(() => page.locator(`${detailRow} .badge-status`).textContent()).toBe("sent");
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-email-resent");
		expect(shopper().problemsOnOurPages()).toEqual([]);
	});

	it("explains a resend of an e-mail that is gone next to its button, and keeps the operator signed in", async () => {
		const to = `emails-gone-${randomBytes(4).toString("hex")}@example.com`;
		const orderId = await paidOrder(to);
		await expect
			.poll(async () => (await emailsOf(orderId)).map((e) => e.status), {
				timeout: 30_000,
				interval: 200,
			})
			.toEqual(["sent"]);
		const emailId = ((await emailsOf(orderId))[0] as EmailRow).id;

		const { page } = shopper();
		await signIn(page);
		// Delivered by its download, the e-book's order is among the fulfilled ones.
		await page.locator("#status-filter").selectOption("fulfilled");
		await page
			.locator(`#orders-body tr[data-order-id="${orderId}"] button[data-open-order]`)
			.click();
		const detailRow = `#detail-emails tr[data-email-id="${emailId}"]`;
		const resend = page.locator(`${detailRow} button[data-resend-email]`);
		await resend.waitFor();

		await d1Write("delete from emails where id = ?", emailId);
		await resend.click();
		await expect
			.poll(() => page.locator(`${detailRow} .action-feedback`).textContent())
			.toBe("Resend failed: No such e-mail.");
		expect(await page.locator("#console").isVisible()).toBe(true);
		expect(await page.locator("#admin-error").textContent()).toBe("");
		// The API's 404 is the one expected console line.
		const problems = shopper().problemsOnOurPages();
		expect(problems.filter((p) => !p.text.includes("status of 404"))).toEqual([]);
		expect(problems.filter((p) => p.text.includes("status of 404"))).toHaveLength(1);
	});
});
