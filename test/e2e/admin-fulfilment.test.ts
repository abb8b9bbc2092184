/**
 * The operator ships an order from the admin page: the order shows what Stripe
 * charged line by line and where it goes, "Mark shipped" records the carrier
 * and tracking, and a tracking URL the API refuses is explained next to the
 * form without losing what was typed. The e2e shop ships (wrangler.toml's
 * SHIPPING_COUNTRIES) shippable products; the brewing guide is digital.
 */
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { createProduct, orderNumber, signIn } from "./support/admin.ts";
import { seriousViolations } from "./support/axe.ts";
import { orderInD1 } from "./support/d1.ts";
import { orderReaches, useShopper } from "./support/journey.ts";
import { saveScreenshot } from "./support/shopper.ts";
import { stack } from "./support/stack.ts";

const { workerUrl, emulatorUrl, adminToken, persistDir } = stack();
const EMULATOR_KEY = "sk_test_emulator";

type Pay = {
	email: string;
	shipping?: Record<string, string>;
	shippingOption?: number;
	promotionCode?: string;
};

/** An order for `items`, paid through the emulator's control API as its hosted page would. */
async function paidOrder(items: { productId: string; quantity: number }[], pay: Pay) {
	const res = await fetch(`${workerUrl}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ items }),
	});
	expect(res.status).toBe(200);
	const { orderId, sessionId } = (await res.json()) as { orderId: string; sessionId: string };
	const paid = await fetch(`${emulatorUrl}/_emulator/sessions/${sessionId}/pay`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ card: "4242424242424242", ...pay }),
	});
	expect(paid.status, await paid.clone().text()).toBe(200);
	await orderReaches(orderId, "paid");
	return orderId;
}

/** A promotion code of this test's own (10 % off), made through the emulator's Stripe API. */
async function promotionCode(): Promise<string> {
	const code = `SHIP${randomBytes(4).toString("hex").toUpperCase()}`;
	const stripe = (path: string, params: Record<string, string>) =>
		fetch(`${emulatorUrl}/v1/${path}`, {
			method: "POST",
			headers: {
				authorization: `Bearer ${EMULATOR_KEY}`,
				"content-type": "application/x-www-form-urlencoded",
			},
			body: new URLSearchParams(params),
		});
	const coupon = await stripe("coupons", { id: code, percent_off: "10" });
	expect(coupon.status, await coupon.clone().text()).toBe(200);
	const promo = await stripe("promotion_codes", {
		"promotion[type]": "coupon",
		"promotion[coupon]": code,
		code,
	});
	expect(promo.status, await promo.clone().text()).toBe(200);
	return code;
}

type AdminOrder = {
	amount: number;
	subtotal: number;
	amountDiscount: number;
	amountShipping: number;
	amountTax: number;
	amountRefunded: number;
};

/** The order as the operator API answers it: the figures the page must show. */
async function adminOrder(orderId: string): Promise<AdminOrder> {
	const res = await fetch(`${workerUrl}/admin/orders/${encodeURIComponent(orderId)}`, {
		headers: { authorization: `Bearer ${adminToken}` },
	});
	expect(res.status).toBe(200);
	return (await res.json()) as AdminOrder;
}

const usd = (minor: number) =>
	new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(minor / 100);

async function openOrder(page: Page, orderId: string): Promise<void> {
	await page.locator(`#orders-body tr[data-order-id="${orderId}"] button[data-open-order]`).click();
	await page.locator("#detail-heading", { hasText: orderNumber(orderId) }).waitFor();
}

/** The totals under the items, as [label, amount] pairs. */
function totals(page: Page): Promise<string[][]> {
	return page
		.locator("#detail-totals tr")
		.evaluateAll((rows) =>
			rows.map((row) =>
				[...row.querySelectorAll("th, td")].map((cell) => cell.textContent?.trim() ?? ""),
			),
		);
}

/** The value of the detail's `<dt>label</dt><dd>value</dd>` pair. */
function fieldText(page: Page, list: string, label: string): Promise<string> {
	return page
		.locator(`${list} dt`, { hasText: new RegExp(`^${label}$`) })
		.locator("xpath=following-sibling::dd[1]")
		.innerText();
}

/** Serious or critical axe-core violations (axe injected through DevTools, outside the CSP). */

describe("admin page: shipping an order", () => {
	const shopper = useShopper();

	it("shows a shipped order's breakdown and address, refuses a bad tracking URL inline, then marks it shipped", async () => {
		const code = await promotionCode();
		const orderId = await paidOrder([{ productId: "pour-over-kit", quantity: 1 }], {
			email: "ship-to-ada@example.com",
			shipping: {
				name: "Ada Lovelace",
				line1: "10 Rue de la Paix",
				line2: "Bâtiment B",
				city: "Paris",
				postalCode: "75002",
				country: "FR",
				phone: "+33 6 12 34 56 78",
			},
			shippingOption: 1,
			promotionCode: code,
		});
		const { page } = shopper();
		await signIn(page);
		await openOrder(page, orderId);

		// $45.00 − 10 % + $15.00 express shipping, and tax when the stack turns it on
		// (global-setup.ts): each figure as the API has it, the tax row only when there is tax.
		const o = await adminOrder(orderId);
		expect([o.subtotal, o.amountDiscount, o.amountShipping]).toEqual([4500, 450, 1500]);
		expect(o.amount).toBe(o.subtotal - o.amountDiscount + o.amountShipping + o.amountTax);
		const total = usd(o.amount);
		expect(await totals(page)).toEqual([
			["Subtotal", "$45.00"],
			[`Discount (${code})`, "−$4.50"],
			["Shipping (Express)", "$15.00"],
			...(o.amountTax > 0 ? [["Tax", usd(o.amountTax)]] : []),
			["Total charged", total],
		]);
		// As France writes it, and as the shopper's e-mail shows it (in English here).
		expect((await page.locator("#detail-address").innerText()).split("\n")).toEqual([
			"Ada Lovelace",
			"10 Rue de la Paix",
			"Bâtiment B",
			"75002 Paris",
			"France",
		]);
		expect(await fieldText(page, "#detail-shipping", "Phone")).toBe("+33 6 12 34 56 78");
		expect(await fieldText(page, "#detail-shipping", "Rate")).toBe("Express");
		expect(await fieldText(page, "#detail-shipping", "Shipped")).toBe("Not yet");
		expect(await fieldText(page, "#detail-fields", "Email")).toBe("ship-to-ada@example.com");
		expect(await fieldText(page, "#detail-fields", "Payment")).toBe("Visa •••• 4242");
		const receipt = page.locator("#detail-fields a", { hasText: "Stripe's receipt" });
		expect(await receipt.getAttribute("href")).toMatch(/^https?:\/\//);

		// Mark shipped: a URL the browser takes but the API refuses (not http(s)).
		const form = page.locator("#fulfill-form");
		await form.waitFor();
		expect(await seriousViolations(page)).toEqual([]);
		await page.getByLabel("Carrier").fill("La Poste");
		await page.getByLabel("Tracking number").fill("6A12345678901");
		const url = page.getByLabel("Tracking URL");
		await url.fill("ftp://tracking.example/6A12345678901");
		await page.getByRole("button", { name: "Mark shipped" }).click();
		const error = page.locator("#fulfill-form [role=alert]");
		await expect.poll(() => error.textContent()).toContain("trackingUrl must be an http(s) URL");
		expect(await url.getAttribute("aria-invalid")).toBe("true");
		expect(await page.evaluate(() => document.activeElement?.id)).toBe("fulfill-tracking-url");
		expect(await page.getByLabel("Carrier").inputValue()).toBe("La Poste");
		expect(await page.getByLabel("Tracking number").inputValue()).toBe("6A12345678901");
		expect(await url.inputValue()).toBe("ftp://tracking.example/6A12345678901");
		expect(await page.locator("#detail-fields .badge-status").textContent()).toBe("paid");
		expect(await seriousViolations(page)).toEqual([]);

		// Not a web address at all: said on the spot, nothing sent.
		await url.fill("tracking 6A12345678901");
		await page.getByRole("button", { name: "Mark shipped" }).click();
		await expect.poll(() => error.textContent()).toContain("full web address");

		const tracking = "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901";
		await url.fill(tracking);
		await page.getByRole("button", { name: "Mark shipped" }).click();
		await page.locator("#detail-fields .badge-status", { hasText: "fulfilled" }).waitFor();
		expect(await form.isHidden()).toBe(true);
		// The form is gone with its button: what it did is said where it was, with the keyboard on it.
		expect(await page.locator("#fulfill-status").textContent()).toBe(
			"Marked shipped: the order is fulfilled.",
		);
		expect(await page.evaluate(() => document.activeElement?.id)).toBe("fulfill-status");
		expect(await error.textContent()).toBe("");
		expect(await fieldText(page, "#detail-shipping", "Carrier")).toBe("La Poste");
		expect(await fieldText(page, "#detail-shipping", "Tracking number")).toBe("6A12345678901");
		const trackingLink = page.locator("#detail-shipping a", { hasText: tracking });
		expect(await trackingLink.getAttribute("href")).toBe(tracking);
		expect(await fieldText(page, "#detail-shipping", "Shipped")).not.toBe("Not yet");
		expect(await page.locator("#detail-transitions").innerText()).toMatch(
			/paid\s+→\s+to\s+fulfilled\s+admin/,
		);
		// Still refundable once shipped, for all that was charged (shipping and tax included).
		expect(await page.locator("#refund").isEnabled()).toBe(true);
		expect(await page.locator("#refund-hint").textContent()).toContain(
			`Leave empty to refund the rest, ${total}.`,
		);
		const row = page.locator(`#orders-body tr[data-order-id="${orderId}"]`);
		expect(await row.locator(".badge-status").textContent()).toBe("fulfilled");
		expect((await orderInD1(persistDir, orderId))?.status).toBe("fulfilled");
		expect(await seriousViolations(page)).toEqual([]);
		await saveScreenshot(page, "admin-marked-shipped");

		// The API's 400 is the one expected console line; nothing else went wrong.
		const problems = shopper().problemsOnOurPages();
		expect(problems.filter((p) => !p.text.includes("status of 400"))).toEqual([]);
		expect(problems.filter((p) => p.text.includes("status of 400"))).toHaveLength(1);
	});

	it("shows no address for an order with nothing to ship, still marks it shipped, and lists it under fulfilled", async () => {
		// A gift card: neither shipped nor downloaded (the e-book is fulfilled by its download).
		const gift = await createProduct({ unitAmount: 900 });
		const orderId = await paidOrder([{ productId: gift, quantity: 1 }], {
			email: "reader@example.com",
		});
		const { page } = shopper();
		await signIn(page);
		await openOrder(page, orderId);

		const o = await adminOrder(orderId);
		expect([o.subtotal, o.amountShipping]).toEqual([900, 0]);
		expect(await totals(page)).toEqual([
			["Subtotal", "$9.00"],
			...(o.amountTax > 0 ? [["Tax", usd(o.amountTax)]] : []),
			["Total charged", usd(o.amount)],
		]);
		expect(await page.locator("#detail-address").count()).toBe(0);
		expect(await fieldText(page, "#detail-shipping", "Ship to")).toMatch(/No address collected/);

		// Nothing typed: shipped without tracking.
		await page.getByRole("button", { name: "Mark shipped" }).click();
		await page.locator("#detail-fields .badge-status", { hasText: "fulfilled" }).waitFor();
		expect(await fieldText(page, "#detail-shipping", "Carrier")).toBe("—");
		expect(await fieldText(page, "#detail-shipping", "Tracking link")).toBe("—");

		await page.locator("#status-filter").selectOption("fulfilled");
		// The filtered list replaces the whole one: only fulfilled orders, this one among them.
		await expect
			.poll(async () => new Set(await page.locator("#orders-body .badge-status").allTextContents()))
			.toEqual(new Set(["fulfilled"]));
		await page.locator(`#orders-body tr[data-order-id="${orderId}"]`).waitFor();
		expect(shopper().problemsOnOurPages()).toEqual([]);
	});
});
