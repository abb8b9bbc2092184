/**
 * A shopper's account in the browser (SPEC 14): asks for a link on the
 * account page and follows it from the local mailbox, as a person does.
 */
import { mailboxClient } from "local-mailbox/client";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { stack } from "./stack.ts";

/** An address no other journey uses. */
export const newAddress = (who: string) => `${who}-${crypto.randomUUID().slice(0, 8)}@example.com`;

/** Asks for a link on the account page and follows it from the mailbox; ends signed in. */
export async function signIn(page: Page, email: string, lang: "en" | "fr" = "en"): Promise<void> {
	const mailbox = mailboxClient(stack().mailboxUrl);
	await page.goto(`/account.html?lang=${lang}`);
	await page.locator("#sign-in-email").fill(email);
	await page.locator("#sign-in-form button[type=submit]").click();
	await page.waitForURL(/\/account\.html\?sent=1/);
	const mail = await mailbox.waitFor(
		{ to: email, subject: lang === "fr" ? "lien de connexion" : "sign-in link" },
		{ timeoutMs: 15_000 },
	);
	const text = mail.text ?? "";
	const link = /http:\/\/[^\s]+\/account\.html\?token=[A-Za-z0-9_-]+&lang=(en|fr)/.exec(text);
	expect(link, text).not.toBeNull();
	await page.goto(link?.[0] ?? "");
	// Opening the link signs no one in (a mail scanner may open it): the button does.
	await page.locator("#confirm").waitFor();
	await page.locator("#confirm-form button[type=submit]").click();
	await page.locator("#signed-in").waitFor();
}
