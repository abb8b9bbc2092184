/**
 * The shoppers' e-mails as `npm run dev` delivers them: through the worker's
 * outbox and queue to the local mailbox, read there as a developer would.
 */
import { mailboxClient } from "local-mailbox/client";
import { emulatorClient } from "stripe-emulator/client";
import { describe, expect, it } from "vitest";
import { PARIS } from "../support/constants.ts";
import { orderReaches, useShopper } from "./support/journey.ts";
import {
	addToCart,
	CARD_OK,
	fillShipping,
	onHostedPage,
	openStorefront,
	PRODUCTS,
	payByCard,
	payByDelayedMethod,
	pressPay,
	successPageShows,
} from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl, mailboxUrl } = stack();
const emulator = emulatorClient(emulatorUrl);
const mailbox = mailboxClient(mailboxUrl);
const plain = (text: string | null | undefined) => (text ?? "").replace(/[\u00a0\u202f]/g, " ");

describe("the confirmation in French", () => {
	const shopper = useShopper({ locale: "fr-FR" });

	it("reaches the local mailbox in the order's language, with its items and totals", async () => {
		const { page, context } = shopper();
		await openStorefront(page);
		await page
			.locator(`[data-product-id="${PRODUCTS.espresso.id}"]`)
			.getByRole("button", { name: `Ajouter ${PRODUCTS.espresso.fr} au panier` })
			.click();
		await page.locator("#cart").getByRole("button", { name: "Payer", exact: true }).click();
		const sessionId = await onHostedPage(page);
		await fillShipping(page, PARIS);
		await payByCard(page, CARD_OK);
		await successPageShows(page, workerUrl, sessionId, "paid");
		const total = plain(await page.locator("#order-total").textContent());
		const number = (await page.locator("#order-number").textContent()) ?? "";

		// payByCard pays as ada@example.com: the order's number tells its e-mail apart.
		const mail = await mailbox.waitFor(
			{ to: "ada@example.com", subject: number },
			{ timeoutMs: 15_000 },
		);
		expect(mail.subject).toMatch(/^Votre commande Bean & Leaf [0-9A-F]{8} est confirmée$/);
		expect(mail.html).toMatch(/<html lang="fr"/);
		// The order is French: its lines are too.
		expect(plain(mail.text)).toContain(PRODUCTS.espresso.fr);
		expect(plain(mail.text)).toContain(total);
		expect(plain(mail.text)).toContain("Camille Martin");
		// The developer reads it in the mailbox's page, as a shopper would in theirs.
		const inbox = await context.newPage();
		await inbox.goto(mailboxUrl);
		await inbox.getByRole("link", { name: mail.subject }).click();
		await inbox.frameLocator("iframe").getByText(PRODUCTS.espresso.fr).first().waitFor();
		await saveScreenshot(inbox, "mailbox-confirmation-fr");
	});
});

describe("a bank debit that fails", () => {
	const shopper = useShopper();

	it("sends the payment-failed e-mail, whose link resumes the checkout and pays", async () => {
		const { page } = shopper();
		await emulator.setDelayedPaymentMs(10 * 60_000);
		try {
			await openStorefront(page);
			await addToCart(page, PRODUCTS.mug);
			const sessionId = await pressPay(page);
			await payByDelayedMethod(page, "failure");
			await successPageShows(page, workerUrl, sessionId, "processing");
			const orderId = (await page.locator("#order-id").textContent()) ?? "";
			const number = (await page.locator("#order-number").textContent()) ?? "";
			await emulator.settleDelayedPayments(sessionId);
			await orderReaches(orderId, "failed");

			const failed = await mailbox.waitFor(
				{ to: "ada@example.com", subject: `${number}: the payment did not go through` },
				{ timeoutMs: 15_000 },
			);
			const resume = /href="([^"]*\/cancel\.html\?[^"]*)"/
				.exec(failed.html ?? "")?.[1]
				?.replace(/&amp;/g, "&");
			expect(resume, "the e-mail links to the cancel page's Resume payment").toBeDefined();
			expect(new URL(String(resume)).searchParams.get("order_id")).toBe(orderId);
			expect(new URL(String(resume)).searchParams.get("token")).toBeTruthy();

			// The shopper follows the link days later, in another browser session: it still pays.
			await page.goto(String(resume));
			await Promise.all([page.waitForURL(/\/pay\/cs_/), page.locator("#resume").click()]);
			const newSession = await onHostedPage(page);
			await payByCard(page, CARD_OK);
			await successPageShows(page, workerUrl, newSession, "paid");
			expect(await page.locator("#order-items").textContent()).toContain(PRODUCTS.mug.name);
		} finally {
			await emulator.setDelayedPaymentMs(2_000);
		}
	});
});
