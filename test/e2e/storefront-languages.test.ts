/**
 * The storefront in the shopper's language (SPEC §13), with and without
 * JavaScript, and the cart's edge cases a shopper can meet: two currencies
 * in one cart, a product no longer sold, a phone screen.
 */
import type { Browser, BrowserContextOptions, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.ts";
import { PRODUCTS, seedCart } from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl } = stack();

const USD = { currency: "USD", digits: 2 };
const JPY = { currency: "JPY", digits: 0 };

/** What Intl writes for an amount in minor units; spaces made plain (fr uses no-break ones). */
function intlMoney(locale: string, minor: number, money: { currency: string; digits: number }) {
	return plain(
		new Intl.NumberFormat(locale, {
			style: "currency",
			currency: money.currency,
			minimumFractionDigits: money.digits,
			maximumFractionDigits: money.digits,
		}).format(minor / 10 ** money.digits),
	);
}

function plain(text: string | null): string {
	return (text ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim();
}

/** The text a sighted shopper sees: without the parts written for screen readers only. */
function visibleText(locator: Locator): Promise<string> {
	return locator.evaluate((el) => {
		const copy = el.cloneNode(true) as HTMLElement;
		for (const hidden of copy.querySelectorAll(".visually-hidden")) hidden.remove();
		return (copy.textContent ?? "").replace(/\s+/g, " ").trim();
	});
}

type Visit = { page: Page; problems: string[] };

describe("the storefront in English and French", () => {
	let browser: Browser;
	const open: Visit[] = [];

	beforeAll(async () => {
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
	});
	afterEach(async (context) => {
		for (const visit of open.splice(0)) {
			if (context.task.result?.state === "fail") {
				const name = context.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
				await saveScreenshot(visit.page, `failed-${name}`).catch(() => {});
			}
			await visit.page.context().close();
		}
	});

	/** A fresh browser (own cookies and storage) with these settings; records errors and CSP refusals. */
	async function visitor(options: BrowserContextOptions = {}): Promise<Visit> {
		const context = await browser.newContext({
			baseURL: workerUrl,
			locale: "en-US",
			timezoneId: "UTC",
			viewport: { width: 1280, height: 900 },
			...options,
		});
		context.setDefaultTimeout(15_000);
		const problems: string[] = [];
		context.on("console", (message) => {
			if (message.type() === "error" || message.text().includes("Content Security Policy"))
				problems.push(message.text());
		});
		context.on("weberror", (error) => problems.push(String(error.error())));
		const visit = { page: await context.newPage(), problems };
		open.push(visit);
		return visit;
	}

	async function storefront(page: Page, path = "/"): Promise<void> {
		await page.goto(path);
		await page.locator("[data-product-id]").first().waitFor();
	}

	function card(page: Page, id: string) {
		return page.locator(`[data-product-id="${id}"]`);
	}

	async function addOne(page: Page, id: string, name: string): Promise<void> {
		const before = Number(await page.locator("#cart-count").textContent());
		await card(page, id).getByRole("button", { name, exact: true }).click();
		await page.waitForFunction(
			(expected) => document.getElementById("cart-count")?.textContent === String(expected),
			before + 1,
		);
	}

	it("speaks French to a browser set to fr-FR: texts, buttons, prices, the cart", async () => {
		const { page, problems } = await visitor({ locale: "fr-FR" });
		await storefront(page);
		expect(await page.locator("html").getAttribute("lang")).toBe("fr");
		expect(await page.locator("h1").textContent()).toBe("Nos produits");
		expect(await page.title()).toBe("Bean & Leaf — boutique");

		const espresso = card(page, PRODUCTS.espresso.id);
		const add = espresso.getByRole("button", {
			name: `Ajouter ${PRODUCTS.espresso.fr} au panier`,
			exact: true,
		});
		expect(await visibleText(add)).toBe("Ajouter au panier");
		// AUTOMATIC_TAX=on here: prices are before tax, and say so ("HT" in French).
		expect(plain(await espresso.locator(".product-price").textContent())).toBe("24,00 $US HT");
		expect(
			await espresso
				.getByRole("button", { name: `Acheter ${PRODUCTS.espresso.fr} maintenant` })
				.count(),
		).toBe(1);
		expect(await espresso.locator('form.buy-now input[name="locale"]').inputValue()).toBe("fr");

		expect(await page.locator("#cart-heading").textContent()).toBe("Votre panier");
		expect(await page.locator("#cart-empty").textContent()).toBe("Votre panier est vide.");
		await addOne(page, PRODUCTS.espresso.id, `Ajouter ${PRODUCTS.espresso.fr} au panier`);
		await addOne(page, PRODUCTS.espresso.id, `Ajouter ${PRODUCTS.espresso.fr} au panier`);
		expect(plain(await page.locator("#cart-total").textContent())).toBe("48,00 $US");
		// The items' total: what Stripe's page adds (shipping, tax with AUTOMATIC_TAX=on) is said.
		expect(await page.locator("#cart-extras").textContent()).toBe(
			"Livraison et taxes calculées au paiement.",
		);
		expect(await page.locator("#cart-count-unit").textContent()).toBe("2 articles");
		expect(await page.locator("#cart-status").textContent()).toContain("ajouté à votre panier");
		const line = page.locator(`[data-cart-line="${PRODUCTS.espresso.id}"]`);
		expect(
			await line
				.getByRole("button", { name: `Retirer ${PRODUCTS.espresso.fr} du panier` })
				.textContent(),
		).toBe("Retirer");
		expect(
			await line.getByRole("spinbutton", { name: `Quantité pour ${PRODUCTS.espresso.fr}` }).count(),
		).toBe(1);
		// French elides "de" before a vowel ("d'Espresso"); "pour" reads right before any name.
		expect(
			await line
				.getByRole("button", { name: `Augmenter la quantité pour ${PRODUCTS.espresso.fr}` })
				.count(),
		).toBe(1);
		const pay = page.locator("#cart").getByRole("button", { name: "Payer", exact: true });
		expect(await pay.isEnabled()).toBe(true);
		await saveScreenshot(page, "storefront-fr");
		expect(problems).toEqual([]);
	});

	it("speaks English to an English browser, and to a Japanese one (the default language)", async () => {
		for (const locale of ["en-GB", "ja-JP"]) {
			const { page, problems } = await visitor({ locale });
			await storefront(page);
			expect(await page.locator("html").getAttribute("lang"), locale).toBe("en");
			expect(await page.locator("h1").textContent()).toBe("Our products");
			const espresso = card(page, PRODUCTS.espresso.id);
			const add = espresso.getByRole("button", {
				name: `Add ${PRODUCTS.espresso.name} to cart`,
				exact: true,
			});
			expect(await visibleText(add)).toBe("Add to cart");
			expect(await espresso.locator(".product-price").textContent()).toBe("$24.00 excl. tax");
			expect(await page.locator("#cart").getByRole("button", { name: "Pay" }).count()).toBe(1);
			expect(problems).toEqual([]);
		}
	});

	it("writes USD and JPY prices the way each language writes them", async () => {
		for (const lang of ["en", "fr"]) {
			const { page, problems } = await visitor({ locale: lang });
			await storefront(page);
			const espresso = card(page, PRODUCTS.espresso.id);
			const matcha = card(page, PRODUCTS.matcha.id);
			const beforeTax = lang === "fr" ? " HT" : " excl. tax";
			expect(plain(await espresso.locator(".product-price").textContent())).toBe(
				`${intlMoney(lang, 2400, USD)}${beforeTax}`,
			);
			expect(plain(await matcha.locator(".product-price").textContent())).toBe(
				`${intlMoney(lang, 1500, JPY)}${beforeTax}`,
			);
			const addMatcha =
				lang === "fr"
					? `Ajouter ${PRODUCTS.matcha.fr} au panier`
					: `Add ${PRODUCTS.matcha.name} to cart`;
			await addOne(page, PRODUCTS.matcha.id, addMatcha);
			expect(plain(await page.locator("#cart-total").textContent())).toBe(
				intlMoney(lang, 1500, JPY),
			);
			expect(problems).toEqual([]);
		}
		// The examples behind the rule, as a reader sees them.
		expect(intlMoney("fr", 2400, USD)).toBe("24,00 $US");
		expect(intlMoney("fr", 1500, JPY)).toBe("1 500 JPY");
		expect(intlMoney("en", 1500, JPY)).toBe("¥1,500");
	});

	it("switches to French with the language switch and keeps it on the next visit", async () => {
		const { page, problems } = await visitor({ locale: "en-US" });
		await storefront(page);
		expect(await page.locator("html").getAttribute("lang")).toBe("en");
		await page.locator("#lang-switch").getByRole("link", { name: "Français" }).click();
		await page.waitForURL(/[?&]lang=fr/);
		await page.locator("[data-product-id]").first().waitFor();
		expect(await page.locator("html").getAttribute("lang")).toBe("fr");
		expect(await page.locator("h1").textContent()).toBe("Nos produits");

		// A later visit without ?lang= (the browser still asks for English): the cookie decides.
		await storefront(page, "/");
		expect(await page.locator("html").getAttribute("lang")).toBe("fr");
		expect(await page.locator("#pay").textContent()).toBe("Payer");
		const cookies = await page.context().cookies(workerUrl);
		expect(cookies.find((c) => c.name === "lang")?.value).toBe("fr");
		expect(problems).toEqual([]);
	});

	it("without JavaScript: no loading text, no cart, Buy now forms in the page's language", async () => {
		for (const [locale, texts] of [
			[
				"fr-FR",
				{
					buy: "Acheter {name} maintenant",
					name: PRODUCTS.espresso.fr,
					notice: /Sans JavaScript/,
					loading: /Chargement/,
				},
			],
			[
				"en-US",
				{
					buy: "Buy {name} now",
					name: PRODUCTS.espresso.name,
					notice: /Without JavaScript/,
					loading: /Loading/,
				},
			],
		] as const) {
			const { page } = await visitor({ locale, javaScriptEnabled: false });
			await page.goto("/");
			expect(await page.locator("html").getAttribute("lang")).toBe(locale.slice(0, 2));
			const main = page.locator("main");
			await main.getByText(texts.notice).waitFor();
			expect(await main.innerText()).not.toMatch(texts.loading);
			expect(await page.locator("#products-status").textContent()).toBe("");
			expect(await page.locator("#cart").isVisible()).toBe(false);
			expect(await page.locator(".cart-link").isVisible()).toBe(false);
			expect(await page.locator("#cart-bar").isVisible()).toBe(false);

			const buy = page.getByRole("button", {
				name: texts.buy.replace("{name}", texts.name),
				exact: true,
			});
			expect(await buy.isVisible()).toBe(true);
			const form = page.locator("form").filter({ has: buy });
			expect(await form.locator('input[name="locale"]').inputValue()).toBe(locale.slice(0, 2));
			// The quantity field is big enough to tap.
			const box = await form.locator('input[name="quantity"]').boundingBox();
			expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
			await saveScreenshot(page, `storefront-no-js-${locale}`);
		}
	});

	it("never adds two currencies into one total: says so, Pay waits, one button removes the odd lines", async () => {
		const { page, problems } = await visitor();
		// A cart from an older visit: a USD line, then a JPY line.
		await seedCart(page, [
			{ productId: PRODUCTS.espresso.id, quantity: 2 },
			{ productId: PRODUCTS.matcha.id, quantity: 1 },
		]);
		await storefront(page);
		const conflict = page.locator("#cart-conflict");
		await conflict.waitFor();
		expect(await conflict.textContent()).toContain("USD and JPY");
		// No total, so nothing said under it.
		expect(await page.locator("#cart-extras").isVisible()).toBe(false);
		expect(await page.locator("#cart-lines > li").count()).toBe(2);
		expect(await page.locator("#cart-total").textContent()).toBe("");
		expect(await page.locator("#cart-summary").isVisible()).toBe(false);
		expect(await page.locator("#pay").isDisabled()).toBe(true);
		await saveScreenshot(page, "storefront-mixed-currencies");

		await conflict.getByRole("button", { name: "Remove the JPY items" }).click();
		await conflict.waitFor({ state: "hidden" });
		expect(await page.locator("#cart-total").textContent()).toBe("$48.00");
		expect(await page.locator("#cart-extras").textContent()).toBe(
			"Shipping and taxes calculated at checkout.",
		);
		expect(await page.locator("#pay").isEnabled()).toBe(true);
		expect(await page.locator("#cart-status").textContent()).toBe(
			"Removed the JPY items from your cart.",
		);
		expect(
			await page.evaluate(() => JSON.parse(localStorage.getItem("shop.cart.v1") ?? "{}").items),
		).toMatchObject([{ productId: PRODUCTS.espresso.id, quantity: 2 }]);
		expect(problems).toEqual([]);
	});

	it("drops a product no longer for sale from the cart and says which", async () => {
		const { page, problems } = await visitor();
		await seedCart(page, [
			{ productId: "retired-grinder", quantity: 1, name: "Hand grinder (retired)" },
			{ productId: PRODUCTS.mug.id, quantity: 1 },
		]);
		await storefront(page);
		await page.locator("#cart-lines > li").first().waitFor();
		expect(await page.locator("#cart-status").textContent()).toBe(
			"Hand grinder (retired) is no longer for sale and was removed from your cart.",
		);
		expect(await page.locator("#cart-lines > li").count()).toBe(1);
		expect(await page.locator("#cart-total").textContent()).toBe("$18.00");
		expect(problems).toEqual([]);
	});

	it("on a phone: a View cart bar after adding, and a Remove button big enough to tap", async () => {
		const { page, problems } = await visitor({ viewport: { width: 390, height: 844 } });
		await storefront(page);
		const bar = page.locator("#cart-bar");
		expect(await bar.isVisible()).toBe(false);
		await addOne(page, PRODUCTS.espresso.id, `Add ${PRODUCTS.espresso.name} to cart`);
		await bar.waitFor();
		expect(await bar.textContent()).toBe("View cart (1) · $24.00");
		const sideways = await page.evaluate(
			() => document.documentElement.scrollWidth - window.innerWidth,
		);
		expect(sideways).toBeLessThanOrEqual(0);
		await saveScreenshot(page, "storefront-phone-cart-bar");

		await bar.click();
		await page.locator("#cart").getByRole("button", { name: "Pay" }).waitFor();
		await bar.waitFor({ state: "hidden" });
		const remove = page
			.locator("#cart-lines")
			.getByRole("button", { name: `Remove ${PRODUCTS.espresso.name} from your cart` });
		const box = await remove.boundingBox();
		expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
		expect(box?.width ?? 0).toBeGreaterThanOrEqual(44);
		expect(problems).toEqual([]);
	});

	it("shows each product's drawing, same-origin, lazily loaded, with its name as alt text", async () => {
		const { page, problems } = await visitor();
		await storefront(page);
		const images = page.locator("[data-product-id] img.product-image");
		// Every card of a product with a picture shows it (another journey's may have none: a tile).
		const listed = (await (await fetch(`${workerUrl}/api/products`)).json()) as {
			products: { imageUrl: string | null }[];
		};
		expect(await images.count()).toBe(listed.products.filter((p) => p.imageUrl).length);
		for (const product of Object.values(PRODUCTS)) {
			const img = card(page, product.id).locator("img");
			await img.scrollIntoViewIfNeeded();
			await expect
				.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth))
				.toBeGreaterThan(0);
			expect(await img.getAttribute("alt")).toBe(product.name);
			expect(await img.getAttribute("loading")).toBe("lazy");
			expect(await img.getAttribute("src")).toBe(`/img/products/${product.id}.svg`);
		}
		const svg = await fetch(`${workerUrl}/img/products/retired-grinder.svg`);
		expect(svg.headers.get("content-type")).toContain("image/svg+xml");
		expect(problems).toEqual([]);
	});
});
