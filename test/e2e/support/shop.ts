/**
 * What a shopper does on our pages and on the emulator's hosted page, by the
 * selectors and accessible names the pages promise (public/*.html,
 * emulator/README.md).
 */
import type { Page } from "playwright-core";

export const CARD_OK = "4242 4242 4242 4242";
export const CARD_DECLINED = "4000 0000 0000 0002";

/** The demo's products (seeds/demo.sql), with their names in English and in French. */
export const PRODUCTS = {
	espresso: {
		id: "espresso-beans",
		name: "Espresso beans, 1 kg",
		fr: "Grains pour espresso, 1 kg",
	},
	pourOver: { id: "pour-over-kit", name: "Pour-over kit", fr: "Kit de filtration" },
	mug: { id: "travel-mug", name: "Travel mug", fr: "Mug de voyage" },
	matcha: { id: "matcha-tin", name: "Uji matcha, 40 g", fr: "Matcha d'Uji, 40 g" },
	guide: { id: "brewing-guide", name: "Brewing guide (e-book)", fr: "Guide d'infusion (e-book)" },
} as const;

type Product = (typeof PRODUCTS)[keyof typeof PRODUCTS];

const PAY_PAGE = /\/pay\/(cs_[A-Za-z0-9_]+)$/;

/** The storefront with its products listed. */
export async function openStorefront(page: Page): Promise<void> {
	await page.goto("/");
	await page.locator("[data-product-id]").first().waitFor();
}

export async function addToCart(page: Page, product: Product, times = 1): Promise<void> {
	const button = page
		.locator(`[data-product-id="${product.id}"]`)
		.getByRole("button", { name: `Add ${product.name} to cart`, exact: true });
	for (let i = 0; i < times; i++) {
		const before = await cartCount(page);
		await button.click();
		await page.waitForFunction(
			(expected) => document.getElementById("cart-count")?.textContent === String(expected),
			before + 1,
		);
	}
}

async function cartCount(page: Page): Promise<number> {
	return Number(await page.locator("#cart-count").textContent());
}

/** Presses "Pay" and lands on the emulator's hosted page; answers the Checkout Session id. */
export async function pressPay(page: Page): Promise<string> {
	await page.locator("#cart").getByRole("button", { name: "Pay", exact: true }).click();
	return onHostedPage(page);
}

/** Waits for the emulator's hosted page; answers its session id. */
export async function onHostedPage(page: Page): Promise<string> {
	await page.waitForURL(PAY_PAGE);
	await page.locator("button#pay").waitFor();
	return sessionIdOf(page.url());
}

export function sessionIdOf(url: string): string {
	const id = PAY_PAGE.exec(new URL(url).pathname)?.[1];
	if (!id) throw new Error(`not a hosted payment page: ${url}`);
	return id;
}

export type Address = {
	name: string;
	line1: string;
	city: string;
	postalCode: string;
	/** An ISO code among the session's countries; the page's first one when not given. */
	country?: string;
	state?: string;
	phone: string;
};

export const NEW_YORK: Address = {
	name: "Ada Lovelace",
	line1: "350 Fifth Avenue",
	city: "New York",
	postalCode: "10118",
	country: "US",
	state: "NY",
	phone: "+12125550123",
};

/**
 * Fills the hosted page's shipping step when the session has one (a cart of
 * goods in a shop that ships); answers whether it had one.
 */
export async function fillShipping(page: Page, address: Address = NEW_YORK): Promise<boolean> {
	if ((await page.locator("#shipping-address").count()) === 0) return false;
	await page.locator("#shipping-name").fill(address.name);
	await page.locator("#shipping-line1").fill(address.line1);
	await page.locator("#shipping-city").fill(address.city);
	await page.locator("#shipping-postal-code").fill(address.postalCode);
	if (address.country) await page.locator("#shipping-country").selectOption(address.country);
	if (address.state) await page.locator("#shipping-state").fill(address.state);
	if ((await page.locator("#phone").count()) > 0) await page.locator("#phone").fill(address.phone);
	return true;
}

/** The shipping step of a page shown again (a decline, a retry) keeps what was typed. */
async function fillShippingIfEmpty(page: Page): Promise<void> {
	const name = page.locator("#shipping-name");
	if ((await name.count()) === 0 || (await name.inputValue()) !== "") return;
	await fillShipping(page);
}

/** Fills the hosted page's card form (and its shipping step, if any) and submits it. */
export async function payByCard(page: Page, card: string): Promise<void> {
	await page.locator("#method-card").check();
	await page.locator("#email").fill("ada@example.com");
	await fillShippingIfEmpty(page);
	await page.locator("#card-number").fill(card);
	await page.locator("#card-expiry").fill("12 / 34");
	await page.locator("#card-cvc").fill("123");
	await Promise.all([page.waitForEvent("load"), page.locator("button#pay").click()]);
}

/** Chooses the bank debit that settles later, succeeding or failing, and submits. */
export async function payByDelayedMethod(page: Page, outcome: "success" | "failure") {
	await page.locator("#email").fill("ada@example.com");
	await fillShippingIfEmpty(page);
	await page.locator(outcome === "success" ? "#delayed-success" : "#delayed-failure").check();
	await Promise.all([page.waitForEvent("load"), page.locator("button#pay").click()]);
}

/** Our success page for a session, showing `status` (it polls until then). */
export async function successPageShows(
	page: Page,
	workerUrl: string,
	sessionId: string,
	status: string,
	timeout = 20_000,
): Promise<void> {
	await page.waitForURL(`${workerUrl}/success.html?session_id=${sessionId}`);
	try {
		await page.locator(`#status[data-status="${status}"]`).waitFor({ timeout });
	} catch (error) {
		const shown = await page
			.locator("#status")
			.evaluate((el) => `${(el as HTMLElement).dataset.status}: ${el.textContent?.trim()}`)
			.catch(() => "(no #status)");
		throw new Error(`success page never showed "${status}"; it shows ${shown}`, { cause: error });
	}
}

/** Puts a cart in localStorage before the storefront's first load (once: a reload keeps what the page made of it). */
export async function seedCart(page: Page, items: object[]): Promise<void> {
	await page.addInitScript((lines) => {
		if (sessionStorage.getItem("e2e.seeded")) return;
		sessionStorage.setItem("e2e.seeded", "1");
		localStorage.setItem("shop.cart.v1", JSON.stringify({ items: lines }));
	}, items);
}
