/**
 * No serious or critical axe-core violations on our pages.
 * axe is injected through the DevTools protocol (page.evaluate), which the
 * pages' CSP does not govern: a <script> tag would rightly be refused.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useShopper } from "./support/journey.ts";
import { addToCart, openStorefront, PRODUCTS } from "./support/shop.ts";
import { stack } from "./support/stack.ts";

const axeSource = readFileSync(
	createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
	"utf8",
);
const { workerUrl } = stack();

type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown }[] };

async function seriousViolations(page: Page): Promise<string[]> {
	await page.evaluate(axeSource);
	const violations = await page.evaluate(async () => {
		const axe = (
			globalThis as unknown as {
				axe: { run: (ctx: Document) => Promise<{ violations: Violation[] }> };
			}
		).axe;
		return (await axe.run(document)).violations;
	});
	return violations
		.filter((v) => v.impact === "serious" || v.impact === "critical")
		.map(
			(v) =>
				`${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")})`,
		);
}

async function checkout(): Promise<{ orderId: string; sessionId: string }> {
	const res = await fetch(`${workerUrl}/create-checkout-session`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ items: [{ productId: PRODUCTS.espresso.id, quantity: 1 }] }),
	});
	return (await res.json()) as { orderId: string; sessionId: string };
}

describe("axe-core audit", () => {
	const shopper = useShopper();

	it("finds no serious or critical violations on the storefront, success, cancel and admin pages", async () => {
		const { page } = shopper();
		const found: Record<string, string[]> = {};
		await openStorefront(page);
		await addToCart(page, PRODUCTS.espresso);
		found.storefront = await seriousViolations(page);

		const { orderId, sessionId } = await checkout();
		await page.goto(`/success.html?session_id=${sessionId}`);
		await page.locator("#order:not([hidden])").waitFor();
		found.success = await seriousViolations(page);

		await page.goto(`/cancel.html?order_id=${orderId}`);
		await page.getByRole("button", { name: "Resume payment" }).waitFor();
		found.cancel = await seriousViolations(page);

		await page.goto("/admin.html");
		await page.getByLabel("Admin token").waitFor();
		found.admin = await seriousViolations(page);

		expect(found).toEqual({ storefront: [], success: [], cancel: [], admin: [] });
	});
});
