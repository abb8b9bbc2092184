/**
 * The operator's Catalog tab against the real worker (SPEC 11): a product
 * created there is sold in the storefront and its stock follows the checkout;
 * a refusal, the console's own or the API's, is shown beside the field it is
 * about and creates nothing; stock set and added, a price edited and a
 * deactivation are each in the product's trail from → to, and an inactive
 * product leaves /api/products. Each product here is this run's own (a unique
 * id) and is taken off sale when the file ends, so the storefront the other
 * journeys see is the seeded one.
 */
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { signIn } from "./support/admin.ts";
import { seriousViolations } from "./support/axe.ts";
import { useShopper } from "./support/journey.ts";
import { CARD_OK, payByCard, pressPay, successPageShows } from "./support/shop.ts";
import { type Shopper, saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, adminToken } = stack();
const RUN = Date.now().toString(36);
let serial = 0;
const created: string[] = [];

/** A product id of this run's own. */
function uniqueId(what: string): string {
	const id = `e2e-${what}-${RUN}-${++serial}`;
	created.push(id);
	return id;
}

type AdminProduct = {
	id: string;
	name: string;
	unitAmount: number;
	currency: string;
	active: boolean;
	stock: number | null;
	reserved: number;
};

function adminApi(path: string, init: { method?: string; body?: unknown } = {}) {
	return fetch(`${workerUrl}${path}`, {
		method: init.method ?? "GET",
		headers: {
			authorization: `Bearer ${adminToken}`,
			...(init.body === undefined ? {} : { "content-type": "application/json" }),
		},
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
}

/** The product as the operator API has it, or null when there is none. */
async function productInApi(id: string): Promise<AdminProduct | null> {
	const res = await adminApi(`/admin/products/${encodeURIComponent(id)}`);
	if (res.status === 404) return null;
	expect(res.status).toBe(200);
	return (await res.json()) as AdminProduct;
}

async function allProducts(): Promise<AdminProduct[]> {
	const res = await adminApi("/admin/products");
	expect(res.status).toBe(200);
	return ((await res.json()) as { products: AdminProduct[] }).products;
}

/** The ids the storefront sells (`GET /api/products`). */
async function storefrontIds(): Promise<string[]> {
	const res = await fetch(`${workerUrl}/api/products`);
	expect(res.status).toBe(200);
	return ((await res.json()) as { products: { id: string }[] }).products.map((p) => p.id);
}

/** A product made through the API: the journeys below start from it. */
async function productMadeByApi(fields: Record<string, unknown>): Promise<AdminProduct> {
	const res = await adminApi("/admin/products", {
		method: "POST",
		body: { currency: "usd", ...fields },
	});
	expect(res.status, await res.clone().text()).toBe(200);
	return (await res.json()) as AdminProduct;
}

afterAll(async () => {
	for (const id of created) {
		const res = await adminApi(`/admin/products/${encodeURIComponent(id)}`, {
			method: "PATCH",
			body: { active: false },
		});
		// A product a refusal never created is not there to take off sale.
		expect([200, 404]).toContain(res.status);
	}
});

/** The Catalog tab, its list loaded. */
async function openCatalog(page: Page): Promise<void> {
	await page.getByRole("tab", { name: "Catalog" }).click();
	await page.locator("#panel-catalog:not([hidden])").waitFor();
	await expect.poll(() => page.locator("#catalog-status").textContent()).toMatch(/\d+ products?/);
}

function row(page: Page, id: string) {
	return page.locator(`#catalog-body tr[data-product-id="${id}"]`);
}

function cell(page: Page, id: string, name: string): Promise<string> {
	return row(page, id).locator(`td[data-cell="${name}"]`).innerText();
}

/** Opens a product from the list: its heading and trail shown. */
async function openProduct(page: Page, id: string, name: string): Promise<void> {
	await row(page, id)
		.getByRole("button", { name: `Manage ${name}`, exact: true })
		.click();
	await page.locator("#product-heading", { hasText: name }).waitFor();
	await page.locator("#product-changes tr[data-action]").first().waitFor();
}

/** The trail's lines ("Stock: 7 → 12"), newest first, as the operator sees them. */
function trail(page: Page, field: string): Promise<string[]> {
	return page.locator(`#product-changes li[data-field="${field}"]`).evaluateAll((items) =>
		items.map((li) => {
			const copy = li.cloneNode(true) as HTMLElement;
			for (const hidden of copy.querySelectorAll(".visually-hidden")) hidden.remove();
			return (copy.textContent ?? "").replace(/\s+/g, " ").trim();
		}),
	);
}

/** The message beside a field, and whether the field is marked and described by it. */
async function fieldError(page: Page, inputId: string) {
	const input = page.locator(`#${inputId}`);
	return {
		invalid: await input.getAttribute("aria-invalid"),
		describedBy: (await input.getAttribute("aria-describedby"))?.split(" ") ?? [],
		message: (await page.locator(`#${inputId}-error`).textContent()) ?? "",
	};
}

/** What went wrong on our pages, but for the refusals a journey asks for on purpose. */
function unexpectedProblems(shopper: Shopper, expectedStatuses: number[]) {
	return shopper.problemsOnOurPages().filter(
		(p) =>
			!expectedStatuses.some((status) => p.text.includes(`status of ${status}`)) &&
			// A product of this run has no drawing: the storefront keeps the plain tile.
			!/\/img\/products\/e2e-/.test(p.text),
	);
}

describe("admin page: the catalog", () => {
	const shopper = useShopper();

	it("creates a product that a shopper then buys, its stock taken when the checkout starts", async () => {
		const { page } = shopper();
		const id = uniqueId("blend");
		const name = `House blend ${RUN}`;
		await signIn(page);
		await openCatalog(page);

		await page.getByRole("button", { name: "New product" }).click();
		expect(await page.locator("#new-product-toggle").getAttribute("aria-expanded")).toBe("true");
		await page.getByLabel("Product id").fill(id);
		await page.locator("#create-name").fill(name);
		await page.locator("#create-description").fill("Made by the catalog journey.");
		expect(await page.locator("#create-currency").inputValue()).toBe("usd");
		// A currency no product uses yet is read by the API's own minor units: three for KWD, none for yen.
		const currency = page.locator("#create-currency");
		const hint = page.locator("#create-price-hint");
		await currency.fill("kwd");
		expect(await hint.textContent()).toBe("In KWD, like 12.500.");
		await currency.fill("jpy");
		expect(await hint.textContent()).toBe("In JPY, like 1500.");
		await currency.fill("usd");
		expect(await hint.textContent()).toBe("In USD, like 12.50.");
		await page.locator("#create-price").fill("12.50");
		await page.locator("#create-stock").fill("4");
		await page.getByRole("button", { name: "Create product" }).click();

		const said = page.locator("#create-product-status");
		await expect.poll(() => said.textContent()).toContain(`Created ${name} (${id}) at $12.50`);
		await row(page, id).waitFor();
		expect(await cell(page, id, "price")).toBe("$12.50");
		expect(await cell(page, id, "status")).toBe("active");
		expect(await cell(page, id, "stock")).toBe("4");
		expect(await cell(page, id, "reserved")).toBe("0");
		expect(await productInApi(id)).toMatchObject({
			unitAmount: 1250,
			currency: "usd",
			stock: 4,
			active: true,
		});

		// The shopper finds it in the storefront and pays for one.
		await page.goto("/");
		const card = page.locator(`[data-product-id="${id}"]`);
		await card.getByRole("button", { name: `Add ${name} to cart`, exact: true }).click();
		await page.waitForFunction(() => document.getElementById("cart-count")?.textContent === "1");
		const sessionId = await pressPay(page);
		// The checkout holds its unit from the moment it starts.
		expect(await productInApi(id)).toMatchObject({ stock: 3, reserved: 1 });
		await payByCard(page, CARD_OK);
		await successPageShows(page, workerUrl, sessionId, "paid");
		expect(await page.locator("#status").textContent()).toContain("Payment received");

		// Back in the admin (the token kept in this tab): 3 left, none held any more.
		await page.goto("/admin.html");
		await page.locator("#console:not([hidden])").waitFor();
		await openCatalog(page);
		expect(await cell(page, id, "stock")).toBe("3");
		expect(await cell(page, id, "reserved")).toBe("0");
		await openProduct(page, id, name);
		expect(await trail(page, "stock")).toEqual(["Stock: 4"]);
		expect(await trail(page, "unitAmount")).toEqual(["Price: $12.50"]);
		await saveScreenshot(page, "admin-catalog-created-and-sold");
		expect(unexpectedProblems(shopper(), [])).toEqual([]);
	});

	it("shows each refusal beside its field and creates nothing", async () => {
		const { page } = shopper();
		const id = uniqueId("refused");
		const name = `Refused ${RUN}`;
		await signIn(page);
		await openCatalog(page);
		await page.getByRole("button", { name: "New product" }).click();
		await page.getByLabel("Product id").fill(id);
		await page.locator("#create-name").fill(name);
		const price = page.locator("#create-price");
		await price.fill("-5");
		await page.locator("#create-stock").fill("lots");
		await page.getByRole("button", { name: "Create product" }).click();

		// The console's own checks: nothing is sent.
		const said = page.locator("#create-product-status");
		await expect.poll(() => said.textContent()).toContain("Not created: check Price (USD), Stock");
		const priceError = await fieldError(page, "create-price");
		expect(priceError.invalid).toBe("true");
		expect(priceError.describedBy).toContain("create-price-error");
		expect(priceError.message).toContain("Enter a positive price in USD");
		expect((await fieldError(page, "create-stock")).invalid).toBe("true");
		expect((await fieldError(page, "create-id")).invalid).toBeNull();
		// Read out by the live region next to the button, and the keyboard on the first field at fault.
		expect(await said.getAttribute("role")).toBe("status");
		expect(await said.textContent()).toContain("Price (USD): Enter a positive price");
		expect(await page.evaluate(() => document.activeElement?.id)).toBe("create-price");
		expect(await seriousViolations(page)).toEqual([]);

		// The API's refusal names the id: shown beside it, the fixed fields cleared.
		await price.fill("12.50");
		await page.locator("#create-stock").fill("");
		await page.getByLabel("Product id").fill("Bad Id");
		await page.getByRole("button", { name: "Create product" }).click();
		await expect
			.poll(async () => (await fieldError(page, "create-id")).message)
			.toContain("id must be 1 to 64 characters");
		const idError = await fieldError(page, "create-id");
		expect(idError.invalid).toBe("true");
		expect(idError.describedBy).toContain("create-id-error");
		expect((await fieldError(page, "create-price")).invalid).toBeNull();
		expect(await page.evaluate(() => document.activeElement?.id)).toBe("create-id");

		// An id taken already: the 409 is about the id too.
		await page.getByLabel("Product id").fill("espresso-beans");
		await page.getByRole("button", { name: "Create product" }).click();
		await expect
			.poll(async () => (await fieldError(page, "create-id")).message)
			.toContain("exists already");
		expect(await page.getByLabel("Product id").inputValue()).toBe("espresso-beans");
		expect(await productInApi("espresso-beans")).toMatchObject({ name: "Espresso beans, 1 kg" });

		expect(await productInApi(id)).toBeNull();
		expect((await allProducts()).filter((p) => p.name === name)).toEqual([]);
		expect(unexpectedProblems(shopper(), [400, 409])).toEqual([]);
	});

	it("sets and adds stock, edits the price and deactivates, each change in the trail", async () => {
		const { page } = shopper();
		const id = uniqueId("tin");
		const name = `Tea tin ${RUN}`;
		await productMadeByApi({ id, name, unitAmount: 2000 });
		expect(await storefrontIds()).toContain(id);
		await signIn(page);
		await openCatalog(page);
		expect(await cell(page, id, "stock")).toBe("unlimited");
		await openProduct(page, id, name);

		const setStatus = page.locator("#set-stock-status");
		await page.getByLabel("Units available").fill("10");
		await page.getByRole("button", { name: "Set stock" }).click();
		await expect.poll(() => setStatus.textContent()).toBe("Stock set: unlimited → 10.");
		// The button was disabled while it worked: the keyboard is given back to it.
		await expect
			.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
			.toBe("Set stock");

		const addStatus = page.locator("#add-stock-status");
		const units = page.getByLabel("Units to add");
		await units.fill("-3");
		await page.getByRole("button", { name: "Add units" }).click();
		await expect.poll(() => addStatus.textContent()).toBe("Removed 3: stock 10 → 7.");
		await units.fill("5");
		await page.getByRole("button", { name: "Add units" }).click();
		await expect.poll(() => addStatus.textContent()).toBe("Added 5: stock 7 → 12.");
		expect(await cell(page, id, "stock")).toBe("12");

		// More than there is: the API's 409 beside the field, the stock as it was.
		await units.fill("-100");
		await page.getByRole("button", { name: "Add units" }).click();
		await expect
			.poll(async () => (await fieldError(page, "add-stock")).message)
			.toContain("Only 12 left");
		expect((await fieldError(page, "add-stock")).invalid).toBe("true");
		expect((await productInApi(id))?.stock).toBe(12);

		const editStatus = page.locator("#edit-product-status");
		await page.locator("#edit-price").fill("15.00");
		await page.getByRole("button", { name: "Save changes" }).click();
		await expect.poll(() => editStatus.textContent()).toBe("Saved: Price.");
		expect(await cell(page, id, "price")).toBe("$15.00");

		const activeStatus = page.locator("#toggle-active-status");
		await page.getByRole("button", { name: `Deactivate ${name}`, exact: true }).click();
		await expect
			.poll(() => activeStatus.textContent())
			.toBe("Deactivated: hidden from the storefront.");
		expect(await cell(page, id, "status")).toBe("inactive");
		expect(await storefrontIds()).not.toContain(id);
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("toggle-active");
		// The list's line counts what the list shows, this change included.
		const inactiveRows = await page
			.locator('#catalog-body td[data-cell="status"]')
			.evaluateAll((cells) => cells.filter((td) => td.textContent?.trim() === "inactive").length);
		expect(await page.locator("#catalog-status").textContent()).toMatch(
			new RegExp(`, ${inactiveRows} inactive\\.$`),
		);

		// The trail, newest first: who, and each change from → to.
		await expect.poll(() => trail(page, "active")).toEqual(["On sale: yes → no", "On sale: yes"]);
		expect(await trail(page, "unitAmount")).toEqual(["Price: $20.00 → $15.00", "Price: $20.00"]);
		expect(await trail(page, "stock")).toEqual([
			"Stock: 7 → 12",
			"Stock: 10 → 7",
			"Stock: unlimited → 10",
			"Stock: unlimited",
		]);
		const actions = await page
			.locator("#product-changes tr[data-action]")
			.evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.action));
		expect(actions).toEqual(["update", "update", "stock", "stock", "stock", "create"]);
		const actors = await page
			.locator("#product-changes tr[data-action] td:nth-child(3)")
			.allTextContents();
		for (const actor of actors) expect(actor).toMatch(/^admin-token:[0-9a-f]{8}$/);
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-catalog-trail");

		// Reactivated: sold again.
		await page.getByRole("button", { name: `Reactivate ${name}`, exact: true }).click();
		await expect.poll(() => activeStatus.textContent()).toBe("Reactivated: on sale again.");
		expect(await storefrontIds()).toContain(id);
		expect(unexpectedProblems(shopper(), [409])).toEqual([]);
	});

	it("passes axe and fits a phone without scrolling sideways", async () => {
		const { page } = shopper();
		// The longest id there may be, and a long name: both must wrap on a phone.
		const id = uniqueId("long").padEnd(64, "x");
		created[created.length - 1] = id;
		const name = `Single-origin Ethiopian Yirgacheffe, washed, light roast ${RUN}`;
		await productMadeByApi({ id, name, unitAmount: 2450, stock: 7 });
		await page.setViewportSize({ width: 1280, height: 800 });
		await signIn(page);

		// The tabs by keyboard: Orders → Catalog, which loads when first shown.
		await page.getByRole("tab", { name: "Orders" }).focus();
		await page.keyboard.press("ArrowRight");
		const tab = page.getByRole("tab", { name: "Catalog" });
		expect(await tab.getAttribute("aria-selected")).toBe("true");
		expect(await page.evaluate(() => document.activeElement?.id)).toBe("tab-catalog");
		await expect.poll(() => page.locator("#catalog-status").textContent()).toMatch(/\d+ products/);
		await page.getByRole("button", { name: "New product" }).click();
		await openProduct(page, id, name);
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-catalog-1280");

		await page.setViewportSize({ width: 390, height: 844 });
		await page.locator("#catalog-body").scrollIntoViewIfNeeded();
		expect(await seriousViolations(page)).toEqual([]);
		const overflow = await page.evaluate(() => ({
			scroll: document.documentElement.scrollWidth,
			client: document.documentElement.clientWidth,
		}));
		expect(overflow.scroll).toBeLessThanOrEqual(overflow.client);
		// The list is cards: the row fits the screen, its stock labelled.
		const box = await row(page, id).boundingBox();
		expect(box && box.x >= 0 && box.x + box.width <= overflow.client).toBe(true);
		expect(await cell(page, id, "stock")).toBe("7");
		await saveScreenshot(page, "admin-catalog-390");
		expect(unexpectedProblems(shopper(), [])).toEqual([]);
	});
});
