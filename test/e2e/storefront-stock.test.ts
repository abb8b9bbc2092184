/**
 * Stock on the storefront (SPEC §11): "Only n left" and "Sold out" on the
 * cards, a cart capped by what is left, and a cart lowered to it when someone
 * else was quicker (checkout's 409 `out_of_stock`) or when a kept cart asks
 * for more than is left. The demo's limited product, `tasting-box`, is the
 * one no other journey buys; its stock is set through the admin API and put
 * back to the demo's 5 at the end.
 */
import type { Locator, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./support/axe.ts";
import { d1Query } from "./support/d1.ts";
import { expectCleanPages, expectCleanPagesBut409, useShopper } from "./support/journey.ts";
import { onHostedPage, PRODUCTS, pressPay, seedCart } from "./support/shop.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, adminToken, persistDir } = stack();

const BOX = {
	id: "tasting-box",
	name: "Single-origin tasting box",
	fr: "Coffret dégustation pure origine",
	unitAmount: 3200,
};
const DEMO_STOCK = 5;

/** Sets the box's stock the way the operator does, and checks the catalogue now says so. */
async function setStock(units: number | null): Promise<void> {
	const res = await fetch(`${workerUrl}/admin/products/${BOX.id}/stock`, {
		method: "POST",
		headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
		body: JSON.stringify({ set: units }),
	});
	expect(res.status, await res.text()).toBe(200);
	expect(await availableNow()).toBe(units);
}

/** What `GET /api/products` says is left of the box. */
async function availableNow(): Promise<number | null> {
	const res = await fetch(`${workerUrl}/api/products`);
	const { products } = (await res.json()) as {
		products: { id: string; available: number | null }[];
	};
	const box = products.find((p) => p.id === BOX.id);
	if (!box) throw new Error(`${BOX.id} is not listed`);
	return box.available;
}

async function storefront(page: Page, path = "/"): Promise<void> {
	await page.goto(path);
	await page.locator("[data-product-id]").first().waitFor();
}

function card(page: Page, id = BOX.id): Locator {
	return page.locator(`[data-product-id="${id}"]`);
}

function addButton(page: Page, id = BOX.id, name = BOX.name): Locator {
	return card(page, id).getByRole("button", { name: `Add ${name} to cart`, exact: true });
}

function cartCount(page: Page): Promise<string | null> {
	return page.locator("#cart-count").textContent();
}

async function addOne(page: Page, id = BOX.id, name = BOX.name): Promise<void> {
	const before = Number(await cartCount(page));
	await addButton(page, id, name).click();
	await page.waitForFunction(
		(expected) => document.getElementById("cart-count")?.textContent === String(expected),
		before + 1,
	);
}

/** The cart as the page keeps it in localStorage. */
function storedCart(page: Page): Promise<{ productId: string; quantity: number }[]> {
	return page.evaluate(
		() =>
			(JSON.parse(localStorage.getItem("shop.cart.v1") ?? "{}").items ?? []) as {
				productId: string;
				quantity: number;
			}[],
	);
}

function quantityField(page: Page, name = BOX.name): Locator {
	return page.locator("#cart-lines").getByRole("spinbutton", { name: `Quantity of ${name}` });
}

/**
 * Switches the page's colour scheme and waits for the buttons' colour
 * transitions to end: axe measures the colours on screen, not the ones to come.
 */
async function inColourScheme(page: Page, colorScheme: "light" | "dark"): Promise<void> {
	await page.emulateMedia({ colorScheme });
	await page.waitForFunction(() =>
		document.getAnimations().every((animation) => animation.playState !== "running"),
	);
}

describe("stock on the storefront", () => {
	const shopper = useShopper();

	afterAll(async () => {
		await setStock(DEMO_STOCK);
	});

	it("says how few are left, and keeps a sold-out product listed with a disabled Sold out button, in English and French", async () => {
		const { page } = shopper();
		const found: Record<string, string[]> = {};
		const texts = {
			en: { few: "Only 3 left", soldOut: "Sold out", add: `Add ${BOX.name} to cart` },
			fr: {
				few: "Plus que 3 en stock",
				soldOut: "Épuisé",
				add: `Ajouter ${BOX.fr} au panier`,
			},
		};

		await setStock(3);
		for (const lang of ["en", "fr"] as const) {
			await storefront(page, `/?lang=${lang}`);
			expect(await page.locator("html").getAttribute("lang")).toBe(lang);
			const note = card(page).locator(".stock-note");
			expect(await note.textContent()).toBe(texts[lang].few);
			expect(await note.isVisible()).toBe(true);
			expect(await card(page).getByRole("button", { name: texts[lang].add }).isEnabled()).toBe(
				true,
			);
			// A product without a stock limit says nothing about stock.
			expect(await card(page, PRODUCTS.espresso.id).locator(".stock-note").isVisible()).toBe(false);
			for (const colorScheme of ["light", "dark"] as const) {
				await inColourScheme(page, colorScheme);
				found[`${lang} 3 left ${colorScheme}`] = await seriousViolations(page);
				await saveScreenshot(page, `storefront-stock-few-left-${lang}-${colorScheme}`);
			}
		}

		await setStock(0);
		for (const lang of ["en", "fr"] as const) {
			await inColourScheme(page, "light");
			await storefront(page, `/?lang=${lang}`);
			// Still listed, and says why it cannot be bought.
			expect(await card(page).locator(".product-name").textContent()).toBe(
				lang === "fr" ? BOX.fr : BOX.name,
			);
			expect(await card(page).locator(".stock-note").textContent()).toBe(texts[lang].soldOut);
			const soldOut = card(page).getByRole("button", { name: texts[lang].soldOut, exact: true });
			expect(await soldOut.isDisabled()).toBe(true);
			expect(await card(page).getByRole("button", { name: texts[lang].add }).count()).toBe(0);
			// No "Buy now" either: it could only be refused.
			expect(await card(page).locator("form.buy-now").isVisible()).toBe(false);
			for (const colorScheme of ["light", "dark"] as const) {
				await inColourScheme(page, colorScheme);
				found[`${lang} sold out ${colorScheme}`] = await seriousViolations(page);
				await saveScreenshot(page, `storefront-stock-sold-out-${lang}-${colorScheme}`);
			}
		}
		expect(found).toEqual({
			"en 3 left light": [],
			"en 3 left dark": [],
			"fr 3 left light": [],
			"fr 3 left dark": [],
			"en sold out light": [],
			"en sold out dark": [],
			"fr sold out light": [],
			"fr sold out dark": [],
		});
		expectCleanPages(shopper());
	});

	it("says 'Only n left' from 10 units down, as the page without JavaScript does", async () => {
		const { page } = shopper();
		await setStock(11);
		await storefront(page);
		expect(await card(page).locator(".stock-note").textContent()).toBe("");
		expect(await card(page).locator(".stock-note").isVisible()).toBe(false);
		await setStock(10);
		await storefront(page);
		expect(await card(page).locator(".stock-note").textContent()).toBe("Only 10 left");
		expectCleanPages(shopper());
	});

	it("refuses to put more in the cart than is left, and says so", async () => {
		const { page } = shopper();
		await setStock(2);
		await storefront(page);
		await addOne(page);
		await addOne(page);

		const maxStock = "Only 2 are left, and all of them are in your cart.";
		const add = addButton(page);
		expect(await add.isDisabled()).toBe(true);
		expect(await card(page).locator(".product-note").textContent()).toBe(maxStock);
		// The note is the button's description: a screen reader hears why it does nothing.
		const describedBy = (await add.getAttribute("aria-describedby"))?.split(" ") ?? [];
		expect(describedBy).toContain(await card(page).locator(".product-note").getAttribute("id"));
		const increase = page
			.locator("#cart-lines")
			.getByRole("button", { name: `Increase quantity of ${BOX.name}` });
		expect(await increase.isDisabled()).toBe(true);

		// Typing a third in the cart is lowered back to what is left.
		await quantityField(page).fill("3");
		await quantityField(page).press("Tab");
		await page.locator("#cart-status").filter({ hasText: maxStock }).waitFor();
		expect(await quantityField(page).inputValue()).toBe("2");
		expect(await cartCount(page)).toBe("2");
		expect(await storedCart(page)).toMatchObject([{ productId: BOX.id, quantity: 2 }]);
		expectCleanPages(shopper());
	});

	it("stops a limited product at 10 per order with plenty left, and says why, in English and French", async () => {
		const { page } = shopper();
		await setStock(40);
		await storefront(page);
		await addOne(page);
		await quantityField(page).fill("12");
		await quantityField(page).press("Tab");
		const perOrder = "A limited item: at most 10 per order, and you have 10 in your cart.";
		await page.locator("#cart-status").filter({ hasText: perOrder }).waitFor();
		expect(await quantityField(page).inputValue()).toBe("10");
		expect(await addButton(page).isDisabled()).toBe(true);
		expect(await card(page).locator(".product-note").textContent()).toBe(perOrder);

		await storefront(page, "/?lang=fr");
		expect(await card(page).locator(".product-note").textContent()).toBe(
			"Article en édition limitée : 10 au plus par commande, et vous en avez 10 dans votre panier.",
		);
		expectCleanPages(shopper());
	});

	it("when someone was quicker: lowers the cart to what is left, says so, and the next Pay reaches Stripe", async () => {
		const { page } = shopper();
		await setStock(DEMO_STOCK);
		await storefront(page);
		await addOne(page);
		await addOne(page);
		await addOne(page, PRODUCTS.espresso.id, PRODUCTS.espresso.name);
		// Another shopper takes all but one while this one is looking at the cart.
		await setStock(1);

		await page.locator("#cart").getByRole("button", { name: "Pay", exact: true }).click();
		const error = page.locator("#error");
		await error.filter({ hasText: "Not enough left" }).waitFor();
		expect(await error.textContent()).toBe(
			`Not enough left of ${BOX.name}: someone was quicker. Your cart now holds what is still available; check it and pay again.`,
		);
		expect(await quantityField(page).inputValue()).toBe("1");
		// The rest of the cart is as it was.
		expect(await quantityField(page, PRODUCTS.espresso.name).inputValue()).toBe("1");
		expect(await storedCart(page)).toEqual([
			{ productId: BOX.id, quantity: 1, name: BOX.name },
			{ productId: PRODUCTS.espresso.id, quantity: 1, name: PRODUCTS.espresso.name },
		]);
		expect(await cartCount(page)).toBe("2");
		expect(await card(page).locator(".stock-note").textContent()).toBe("Only 1 left");
		expect(await page.locator("#cart-total").textContent()).toBe("$56.00");
		// The refused checkout took nothing.
		expect(await availableNow()).toBe(1);
		for (const colorScheme of ["light", "dark"] as const) {
			await inColourScheme(page, colorScheme);
			expect(await seriousViolations(page), colorScheme).toEqual([]);
		}

		const sessionId = await pressPay(page);
		const [order] = await d1Query<{ subtotal: number }>(
			persistDir,
			"select subtotal from orders where stripe_checkout_session_id = ?",
			sessionId,
		);
		expect(order?.subtotal).toBe(BOX.unitAmount + 2400);
		expect(await availableNow()).toBe(0);
		expectCleanPagesBut409(shopper());
	});

	it("when someone took the last units: says the cart is empty now, never that it holds what is left", async () => {
		const { page } = shopper();
		await setStock(2);
		await storefront(page);
		await addOne(page);
		await setStock(0);
		await page.locator("#cart").getByRole("button", { name: "Pay", exact: true }).click();
		const error = page.locator("#error");
		await error.filter({ hasText: "someone was quicker" }).waitFor();
		expect(await error.textContent()).toBe(
			`There is no ${BOX.name} left: someone was quicker. Your cart is empty now; the shop shows what is still for sale.`,
		);
		expect(await page.locator("#cart-empty").isVisible()).toBe(true);
		expect(await cartCount(page)).toBe("0");
		expectCleanPagesBut409(shopper());
	});

	it("lowers a cart kept from an earlier visit to what is left, and removes what sold out", async () => {
		const { page } = shopper();
		await setStock(2);
		await seedCart(page, [
			{ productId: BOX.id, quantity: 4, name: BOX.name },
			{ productId: PRODUCTS.mug.id, quantity: 3, name: PRODUCTS.mug.name },
		]);
		await storefront(page);
		const error = page.locator("#error");
		await error.filter({ hasText: BOX.name }).waitFor();
		expect(await error.textContent()).toContain(`Not enough left of ${BOX.name}`);
		expect(await quantityField(page).inputValue()).toBe("2");
		expect(await quantityField(page, PRODUCTS.mug.name).inputValue()).toBe("3");

		await setStock(0);
		await storefront(page);
		await error.filter({ hasText: BOX.name }).waitFor();
		expect(await page.locator(`[data-cart-line="${BOX.id}"]`).count()).toBe(0);
		expect(await storedCart(page)).toEqual([
			{ productId: PRODUCTS.mug.id, quantity: 3, name: PRODUCTS.mug.name },
		]);

		// A cart that fits says nothing.
		await storefront(page);
		expect(await page.locator(`[data-cart-line="${PRODUCTS.mug.id}"]`).count()).toBe(1);
		expect(await error.textContent()).toBe("");
		expectCleanPages(shopper());
	});

	it("back from Stripe, keeps what the shopper's own checkout holds, and Pay resumes it", async () => {
		const { page } = shopper();
		await setStock(DEMO_STOCK);
		await storefront(page);
		for (let i = 0; i < 4; i++) await addOne(page);
		const sessionId = await pressPay(page);
		// The open checkout holds 4: one is left for anyone else.
		expect(await availableNow()).toBe(1);

		await storefront(page);
		expect(await card(page).locator(".stock-note").textContent()).toBe("Only 1 left");
		expect(await quantityField(page).inputValue()).toBe("4");
		expect(await page.locator("#error").textContent()).toBe("");
		await page.locator("#cart").getByRole("button", { name: "Pay", exact: true }).click();
		expect(await onHostedPage(page)).toBe(sessionId);
		expectCleanPages(shopper());
	});
});
