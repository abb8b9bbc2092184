/**
 * The operator's console as a shop owner uses it (issue 17), at 1280×800 and
 * 390×844 with the axe audit: the dashboard row; orders that need attention
 * apart from checkouts awaiting payment, with their customer, items, amounts,
 * status and age; search by e-mail (any case), order id, session id and
 * PaymentIntent id; the order in a dialog over the list; refund feedback and
 * refusals beside the control; every refund in the history, the console's and
 * Stripe dashboard's, once each; "1,000" in yen; "Fully refunded"; a failed
 * webhook event replayed from Stripe's copy, with the delivery health panel.
 */
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { emulatorClient } from "stripe-emulator/client";
import { describe, expect, it } from "vitest";
import { orderNumber, refundConfirmed, signIn } from "./support/admin.ts";
import { seriousViolations } from "./support/axe.ts";
import { d1Query, orderInD1 } from "./support/d1.ts";
import { holdWebhooks, orderReaches, useShopper } from "./support/journey.ts";
import { type Shopper, saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl, persistDir } = stack();
const emulator = emulatorClient(emulatorUrl);
const EMULATOR_KEY = "sk_test_emulator";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

type Checkout = { orderId: string; sessionId: string };

async function checkout(items: { productId: string; quantity: number }[]): Promise<Checkout> {
	const res = await fetch(`${workerUrl}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ items }),
	});
	expect(res.status).toBe(200);
	return (await res.json()) as Checkout;
}

async function paidOrder(
	items: { productId: string; quantity: number }[],
	email: string,
): Promise<Checkout & { paymentIntentId: string }> {
	const made = await checkout(items);
	await emulator.pay(made.sessionId, { email });
	await orderReaches(made.orderId, "paid");
	const [row] = await d1Query<{ pi: string }>(
		persistDir,
		"select stripe_payment_intent_id as pi from orders where id = ?",
		made.orderId,
	);
	return { ...made, paymentIntentId: row?.pi ?? "" };
}

const uniqueEmail = (what: string) =>
	`Console-${what}-${randomBytes(4).toString("hex")}@Example.com`;

/** A refund made in Stripe's dashboard: straight at Stripe, without the console's metadata. */
async function dashboardRefund(paymentIntentId: string, amount?: number): Promise<string> {
	const res = await fetch(`${emulatorUrl}/v1/refunds`, {
		method: "POST",
		headers: {
			authorization: `Bearer ${EMULATOR_KEY}`,
			"content-type": "application/x-www-form-urlencoded",
		},
		body: new URLSearchParams({
			payment_intent: paymentIntentId,
			...(amount === undefined ? {} : { amount: String(amount) }),
		}),
	});
	expect(res.status).toBe(200);
	return ((await res.json()) as { id: string }).id;
}

type RefundRow = { id: string; amount: number; source: string; status: string };
const refundsInD1 = (orderId: string) =>
	d1Query<RefundRow>(
		persistDir,
		"select id, amount, source, status from refunds where order_id = ? order by created_at, rowid",
		orderId,
	);

const row = (page: Page, orderId: string) =>
	page.locator(`#orders-body tr[data-order-id="${orderId}"]`);

/** The text of each cell of an order's row, by its column's header. */
async function rowCells(page: Page, orderId: string): Promise<Record<string, string>> {
	return row(page, orderId).evaluate((tr) => {
		const headers = [...(tr.closest("table")?.querySelectorAll("thead th") ?? [])].map((th) =>
			(th.textContent ?? "").trim(),
		);
		return Object.fromEntries(
			[...tr.querySelectorAll("td")].map((td, i) => [
				headers[i] ?? String(i),
				(td as HTMLElement).innerText.replace(/\s+/g, " ").trim(),
			]),
		);
	});
}

/** Shows one view of the list, or runs a search, and waits for its answer. */
async function showView(page: Page, label: string): Promise<void> {
	await page.locator("#status-filter").selectOption({ label });
	await expect
		.poll(() => page.locator("#orders-status").textContent())
		.toMatch(/orders?\.|none\.|Nothing/);
}

async function search(page: Page, term: string): Promise<void> {
	await page.locator("#order-search").fill(term);
	await page.locator("#order-search").press("Enter");
	await expect
		.poll(() => page.locator("#orders-status").textContent())
		.toMatch(new RegExp(`(match|matches) “${escapeRegExp(term)}”|No order matches`));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function openOrder(page: Page, orderId: string): Promise<void> {
	await row(page, orderId).locator("button[data-open-order]").click();
	await page.locator("#detail-heading", { hasText: orderNumber(orderId) }).waitFor();
}

/** Whether the whole of `selector` is on screen, as the operator sees it (nothing scrolled for it). */
async function onScreen(page: Page, selector: string): Promise<boolean> {
	return page.locator(selector).evaluate((el) => {
		const r = el.getBoundingClientRect();
		return (
			r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
		);
	});
}

/** Neither the page nor, when it is open, the order's dialog (which scrolls itself) scrolls sideways. */
async function noSidewaysScroll(page: Page): Promise<void> {
	const widths = await page.evaluate(() =>
		[document.documentElement, document.querySelector("dialog[open]")]
			.filter((el) => el !== null)
			.map((el) => ({ scroll: el.scrollWidth, client: el.clientWidth })),
	);
	for (const { scroll, client } of widths) expect(scroll).toBeLessThanOrEqual(client);
}

/** The history's lines as text, oldest first. */
const historyLines = (page: Page) =>
	page
		.locator("#detail-transitions tr")
		.evaluateAll((rows) =>
			rows.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, " ").trim()),
		);

function unexpectedProblems(shopper: Shopper, expectedStatuses: number[]) {
	return shopper
		.problemsOnOurPages()
		.filter((p) => !expectedStatuses.some((status) => p.text.includes(`status of ${status}`)));
}

describe("admin console: orders, search and refunds", () => {
	const shopper = useShopper();

	it.each([
		["1280×800", DESKTOP],
		["390×844", PHONE],
	])(
		"keeps orders needing attention apart from checkouts awaiting payment, finds one by each key, and shows it over the list (%s)",
		async (size, viewport) => {
			const email = uniqueEmail("find");
			const paid = await paidOrder(
				[
					{ productId: "pour-over-kit", quantity: 2 },
					{ productId: "travel-mug", quantity: 1 },
				],
				email,
			);
			const waiting = await checkout([{ productId: "espresso-beans", quantity: 1 }]);
			const { page } = shopper();
			await page.setViewportSize(viewport);
			await signIn(page);

			// The dashboard row: today's paid orders per currency, and what waits.
			const tiles = page.locator("#dashboard-tiles");
			await tiles.locator("li").first().waitFor();
			const today = tiles.locator("li", { hasText: "Paid today" });
			expect(await today.innerText()).toMatch(/\$[\d,]+\.\d\d · \d+ orders?/);
			const awaitingTile = tiles.locator("li", { hasText: "Awaiting payment" });
			expect(await awaitingTile.innerText()).toMatch(/[1-9]\d* checkouts?/);
			expect(await tiles.locator("li", { hasText: "Failed e-mails" }).count()).toBe(1);
			expect(await tiles.locator("li", { hasText: "Alerts, last 7 days" }).count()).toBe(1);

			// Needs attention (the default): the paid order, with what the owner reads at a glance.
			await row(page, paid.orderId).waitFor();
			expect(await page.locator("#status-filter").inputValue()).toBe("paid");
			expect(await row(page, waiting.orderId).count()).toBe(0);
			const cells = await rowCells(page, paid.orderId);
			expect(cells).toMatchObject({
				Order: expect.stringContaining(paid.orderId.replace(/-/g, "").slice(0, 8).toUpperCase()),
				Customer: email,
				Items: "2 × Pour-over kit, 1 × Travel mug",
				Refunded: "—",
				Status: "paid",
			});
			expect(cells.Amount).toMatch(/^\$[\d,]+\.\d\d$/);
			expect(cells.Age).toMatch(/ago$|^now$/);
			await noSidewaysScroll(page);
			expect(await seriousViolations(page)).toEqual([]);
			await saveScreenshot(page, `admin-console-list-${size}`);

			// Awaiting payment, from the dashboard's tile: the open checkout, and not the paid order.
			await awaitingTile.getByRole("button", { name: "See them (awaiting payment)" }).click();
			await row(page, waiting.orderId).waitFor();
			expect(await page.locator("#status-filter").inputValue()).toBe("pending");
			expect(await row(page, paid.orderId).count()).toBe(0);
			expect((await rowCells(page, waiting.orderId)).Status).toMatch(
				/^pending awaiting payment, expires in \d+ minutes?$/,
			);
			await showView(page, "Needs attention");
			expect(await row(page, waiting.orderId).count()).toBe(0);

			// Search: by the e-mail in another case, the number the shopper reads (in either case),
			// the order id, the session id, the PaymentIntent id.
			for (const term of [
				email.toUpperCase(),
				orderNumber(paid.orderId),
				orderNumber(paid.orderId).toLowerCase(),
				paid.orderId,
				paid.sessionId,
				paid.paymentIntentId,
			]) {
				await search(page, term);
				expect(await page.locator("#orders-body tr").count(), term).toBe(1);
				await row(page, paid.orderId).waitFor();
				expect(await page.locator("#orders-status").textContent()).toBe(
					`1 order matches “${term}” (every status).`,
				);
			}
			// A search looks through every status: the checkout awaiting payment is found too.
			await search(page, waiting.orderId);
			await row(page, waiting.orderId).waitFor();
			await search(page, "nobody-at-all@example.com");
			expect(await page.locator("#orders-body tr").count()).toBe(0);
			await page.getByRole("button", { name: "Clear search" }).click();
			await row(page, paid.orderId).waitFor();

			// The detail opens over the list, in view, with the keyboard in it; Escape goes back.
			const opener = row(page, paid.orderId).locator("button[data-open-order]");
			await openOrder(page, paid.orderId);
			expect(
				await page.locator("#order-detail").evaluate((d) => (d as HTMLDialogElement).open),
			).toBe(true);
			expect(await onScreen(page, "#detail-heading")).toBe(true);
			await noSidewaysScroll(page);
			expect(
				await page.evaluate(() =>
					document.getElementById("order-detail")?.contains(document.activeElement),
				),
			).toBe(true);
			expect(await seriousViolations(page)).toEqual([]);
			await saveScreenshot(page, `admin-console-detail-${size}`);
			await page.keyboard.press("Escape");
			expect(
				await page.locator("#order-detail").evaluate((d) => (d as HTMLDialogElement).open),
			).toBe(false);
			expect(await opener.evaluate((b) => b === document.activeElement)).toBe(true);
			expect(unexpectedProblems(shopper(), [])).toEqual([]);
		},
	);

	it.each([
		["1280×800", DESKTOP],
		["390×844", PHONE],
	])(
		"says beside the Refund button what went wrong or right, and records every refund once, the console's and the dashboard's (%s)",
		async (size, viewport) => {
			const paid = await paidOrder(
				[{ productId: "pour-over-kit", quantity: 1 }],
				uniqueEmail("refund"),
			);
			const { page } = shopper();
			await page.setViewportSize(viewport);
			await signIn(page);
			await row(page, paid.orderId).waitFor();
			await openOrder(page, paid.orderId);
			const input = page.locator("#refund-amount");
			const refund = page.locator("#refund");
			const status = page.locator("#refund-status");
			const error = page.locator("#refund-amount-error");
			// The field's hint names the rest; no placeholder that reads like a value.
			expect(await input.getAttribute("placeholder")).toBeNull();
			const order = await orderInD1(persistDir, paid.orderId);
			const total = `$${((order?.amount ?? 0) / 100).toFixed(2)}`;
			expect(await page.locator("#refund-hint").textContent()).toContain(
				`Leave empty to refund the rest, ${total}.`,
			);

			// -5: refused beside the field, marked invalid, announced, all in view.
			await input.fill("-5");
			await refund.click();
			await expect.poll(() => error.textContent()).toMatch(/^Enter a positive amount in USD, like/);
			expect(await input.getAttribute("aria-invalid")).toBe("true");
			expect((await input.getAttribute("aria-describedby"))?.split(" ")).toContain(
				"refund-amount-error",
			);
			expect(await status.getAttribute("role")).toBe("status");
			expect(await status.textContent()).toMatch(/^Not refunded: check Refund amount \(USD\)\./);
			expect(await status.evaluate((el) => el.classList.contains("is-error"))).toBe(true);
			expect(await onScreen(page, "#refund-amount-error")).toBe(true);
			expect(await onScreen(page, "#refund-status")).toBe(true);
			await noSidewaysScroll(page);
			expect(await seriousViolations(page)).toEqual([]);
			await saveScreenshot(page, `admin-console-refund-invalid-${size}`);
			// More than what is left: refused the same way. Nothing went to Stripe.
			await input.fill("99999");
			await refund.click();
			await expect
				.poll(() => error.textContent())
				.toBe(`That is more than the ${total} left to refund.`);
			expect(await refundsInD1(paid.orderId)).toEqual([]);

			// 10: refunded; the field is valid again, the answer beside the button, the refund in the history.
			await input.fill("10");
			await refundConfirmed(page);
			await expect
				.poll(() => status.textContent())
				.toMatch(/^Refunded \$10\.00: succeeded \(re_\w+\)\.$/);
			expect(await input.getAttribute("aria-invalid")).toBeNull();
			expect(await error.textContent()).toBe("");
			expect(await onScreen(page, "#refund-status")).toBe(true);
			// The keyboard is back on the button (disabled while the refund was on its way).
			expect(await page.evaluate(() => document.activeElement?.id)).toBe("refund");
			const consoleRefund = /re_\w+/.exec((await status.textContent()) ?? "")?.[0] ?? "";
			await expect
				.poll(() => historyLines(page))
				.toContainEqual(
					expect.stringMatching(/Refund of \$10\.00 \(succeeded\) This console re_\w+$/),
				);

			// A refund in Stripe's dashboard: its charge.refunded records it once, as the dashboard's.
			const dashboardId = await dashboardRefund(paid.paymentIntentId, 500);
			await expect
				.poll(
					async () => (await refundsInD1(paid.orderId)).map((r) => [r.id, r.amount, r.source]),
					{
						timeout: 15_000,
					},
				)
				.toEqual([
					[consoleRefund, 1000, "admin"],
					[dashboardId, 500, "dashboard"],
				]);
			await page.getByRole("button", { name: "Sync from Stripe" }).click();
			await expect
				.poll(() => page.locator("#sync-status").textContent())
				.toMatch(/^Synced from Stripe: the order is paid\.$/);
			const lines = await historyLines(page);
			expect(lines.filter((l) => l.includes("Refund of"))).toEqual([
				expect.stringMatching(
					new RegExp(`^.+ Refund of \\$10\\.00 \\(succeeded\\) This console ${consoleRefund}$`),
				),
				expect.stringMatching(
					new RegExp(`^.+ Refund of \\$5\\.00 \\(succeeded\\) Stripe dashboard ${dashboardId}$`),
				),
			]);
			// Beside the status changes, in time order.
			expect(lines[0]).toMatch(/Created\s+pending\s+checkout/);
			expect(lines.findIndex((l) => /pending → to paid/.test(l))).toBeLessThan(
				lines.findIndex((l) => l.includes("Refund of")),
			);

			// The dashboard then refunds the rest while the console still shows the old total:
			// Stripe's answer is the console's refusal, beside the button, as an error.
			await dashboardRefund(paid.paymentIntentId);
			await orderReaches(paid.orderId, "refunded");
			await input.fill("1");
			await refundConfirmed(page);
			await expect
				.poll(() => status.textContent())
				.toBe("Fully refunded: nothing is left to refund on this order.");
			expect(await status.evaluate((el) => el.classList.contains("is-error"))).toBe(true);
			// The order as it is now: fully refunded, nothing more to take.
			await expect.poll(() => page.locator("#refund-hint").textContent()).toBe("Fully refunded.");
			expect(await input.isDisabled()).toBe(true);
			expect(await refund.isDisabled()).toBe(true);
			// With the button disabled for good, the keyboard is on the answer.
			expect(await page.evaluate(() => document.activeElement?.id)).toBe("refund-status");
			expect((await refundsInD1(paid.orderId)).map((r) => r.source)).toEqual([
				"admin",
				"dashboard",
				"dashboard",
			]);
			expect(await seriousViolations(page)).toEqual([]);
			await saveScreenshot(page, `admin-console-fully-refunded-${size}`);
			// The one expected console line: the refused refund's 409.
			const problems = unexpectedProblems(shopper(), [409]);
			expect(problems).toEqual([]);
		},
	);

	it("on a phone, lists orders as cards without sideways scrolling and refunds ¥1,000 typed with a thousands separator (390×844)", async () => {
		const paid = await paidOrder([{ productId: "matcha-tin", quantity: 2 }], uniqueEmail("yen"));
		const { page } = shopper();
		await page.setViewportSize(PHONE);
		await signIn(page);
		await row(page, paid.orderId).waitFor();
		await noSidewaysScroll(page);
		// A card: the row fits the screen, each value under or beside its column's name.
		await row(page, paid.orderId).scrollIntoViewIfNeeded();
		const box = await row(page, paid.orderId).boundingBox();
		expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
		const labels = await row(page, paid.orderId)
			.locator("td[data-label]")
			.evaluateAll((tds) => tds.map((td) => getComputedStyle(td, "::before").content));
		expect(labels).toEqual([
			'"Customer"',
			'"Items"',
			'"Amount"',
			'"Refunded"',
			'"Status"',
			'"Age"',
		]);
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-console-390");

		await openOrder(page, paid.orderId);
		const dialogBox = await page.locator("#order-detail").boundingBox();
		expect(dialogBox?.width).toBe(PHONE.width);
		await page.locator("#refund-amount").fill("1,000");
		await refundConfirmed(page);
		await expect
			.poll(() => page.locator("#refund-status").textContent())
			.toMatch(/^Refunded ¥1,000: succeeded \(re_\w+\)\.$/);
		expect(await onScreen(page, "#refund-status")).toBe(true);
		expect((await orderInD1(persistDir, paid.orderId))?.amountRefunded).toBe(1000);
		await noSidewaysScroll(page);
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-console-refund-390");

		// Closed, the list shows what was refunded.
		await page.getByRole("button", { name: "Close" }).click();
		expect((await rowCells(page, paid.orderId)).Refunded).toBe("¥1,000");
		expect(unexpectedProblems(shopper(), [])).toEqual([]);
	});
});

describe("admin console: webhook health and replay", () => {
	const shopper = useShopper();
	// Nothing reaches the shop on its own: the one delivery below is sent by hand.
	holdWebhooks();

	it("shows a failed event in the health panel and replays it from Stripe's copy, which pays the order (1280×800 and 390×844)", async () => {
		// A shipped order: its PaymentIntent's amount (with shipping) is news the session must explain.
		const made = await checkout([{ productId: "espresso-beans", quantity: 1 }]);
		await emulator.pay(made.sessionId, { email: uniqueEmail("replay") });
		const session = await emulator.session(made.sessionId);
		const paymentIntentId = String(session.payment_intent);
		const [event] = await emulator.events({
			type: "payment_intent.succeeded",
			objectId: paymentIntentId,
		});
		expect(event).toBeDefined();
		const eventId = (event as { id: string }).id;

		// Stripe fails the worker's look-up of the session: the delivery fails, the ledger says so.
		await emulator.addFault({
			match: `GET /v1/checkout/sessions/${made.sessionId}`,
			status: 500,
			count: 100,
		});
		const delivered = await fetch(`${emulatorUrl}/_emulator/events/${eventId}/deliver`, {
			method: "POST",
		});
		expect(((await delivered.json()) as { status: number }).status).toBe(500);
		const ledger = () =>
			d1Query<{ result: string; error: string | null }>(
				persistDir,
				"select result, error from webhook_events where id = ?",
				eventId,
			);
		expect((await ledger())[0]?.result).toBe("failed");
		expect((await orderInD1(persistDir, made.orderId))?.status).toBe("pending");
		await emulator.clearFaults();

		const { page } = shopper();
		await page.setViewportSize(DESKTOP);
		await signIn(page);
		// The dashboard warns about webhooks (at least this failure in the last day).
		const webhookTile = page.locator("#dashboard-tiles li", { hasText: "Webhooks" });
		await expect.poll(() => webhookTile.innerText()).toMatch(/[1-9]\d* failures? in 24 h/);
		expect(await webhookTile.evaluate((li) => li.classList.contains("is-warning"))).toBe(true);
		await webhookTile.getByRole("button", { name: /^See webhooks/ }).click();

		// The health panel: the last event received, the day's events by result, and a warning.
		const health = page.locator("#webhook-health");
		await expect
			.poll(() => page.locator("#health-fields").innerText())
			.toMatch(/Last event received/);
		const counts = await page.locator(".health-count").allInnerTexts();
		expect(counts.map((c) => c.replace(/\s+\d+$/, ""))).toEqual(["processed", "ignored", "failed"]);
		expect(Number(/\d+$/.exec(counts[2] ?? "")?.[0])).toBeGreaterThanOrEqual(1);
		expect(await page.locator("#health-verdict").textContent()).toMatch(
			/failed in the last 24 hours\. Stripe retries for three days, then disables the endpoint/,
		);
		expect(await health.locator("#health-verdict.is-warning").count()).toBe(1);

		// The failed event's row, with Stripe's refusal as its error.
		const eventRow = page.locator(`#events-body tr[data-event-id="${eventId}"]`);
		await eventRow.waitFor();
		expect(await eventRow.innerText()).toContain("payment_intent.succeeded");
		expect(await eventRow.locator("td[data-label='Error']").innerText()).not.toBe("—");
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-console-webhooks-1280");

		await page.setViewportSize(PHONE);
		await noSidewaysScroll(page);
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-console-webhooks-390");

		// Replay: Stripe's copy through the same handler; the order is paid, the answer beside the button.
		await eventRow
			.getByRole("button", { name: `Replay payment_intent.succeeded ${eventId}` })
			.click();
		const feedback = eventRow.locator(".action-feedback");
		await expect
			.poll(() => feedback.textContent(), { timeout: 15_000 })
			.toBe("Replayed: processed. The order is up to date.");
		expect(await eventRow.locator("button[data-replay-event]").count()).toBe(0);
		expect(await feedback.evaluate((el) => el === document.activeElement)).toBe(true);
		expect((await ledger())[0]?.result).toBe("processed");
		const after = await orderInD1(persistDir, made.orderId);
		expect(after?.status).toBe("paid");
		expect(after?.transitions.at(-1)).toMatchObject({ from_status: "pending", to_status: "paid" });
		expect(
			await onScreen(page, `#events-body tr[data-event-id="${eventId}"] .action-feedback`),
		).toBe(true);
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-console-replayed-390");
		// The one expected console line: none; the replay answered 200.
		expect(unexpectedProblems(shopper(), [])).toEqual([]);
	});
});
