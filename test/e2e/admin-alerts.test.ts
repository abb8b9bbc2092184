/**
 * The console's Alerts tab on a phone: each alert a card, its message in view
 * (the part the owner must read), its kind in words.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { localD1File, openSqlite } from "../../scripts/stack.ts";
import { signIn } from "./support/admin.ts";
import { seriousViolations } from "./support/axe.ts";
import { useShopper } from "./support/journey.ts";
import { stack } from "./support/stack.ts";

const { persistDir } = stack();

describe("the Alerts tab", () => {
	const shopper = useShopper({ viewport: { width: 390, height: 844 } });

	it("shows each alert as a card on a phone, its message readable without scrolling sideways", async () => {
		const product = `tin-${randomBytes(3).toString("hex")}`;
		const message = `Coffee tin (${product}) is down to 2 in stock (its threshold is 3): add stock in the console's Catalog tab.`;
		const db = await openSqlite(localD1File(persistDir));
		try {
			db.exec("PRAGMA busy_timeout = 5000");
			db.prepare(
				"insert into alerts (kind, order_id, message, dedupe_key, created_at) values ('low_stock', null, ?, ?, ?)",
			).run(message, `low_stock:${product}:1`, Date.now());
		} finally {
			db.close();
		}
		const { page } = shopper();
		await signIn(page);
		await page.getByRole("tab", { name: "Alerts" }).click();
		const row = page.locator("#alerts-body tr", { hasText: product });
		await row.waitFor();
		const cell = row.locator("td[data-label='Message']");
		expect(await cell.isVisible()).toBe(true);
		const box = await cell.boundingBox();
		expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 390).toBe(true);
		expect(await row.locator("td[data-label='Kind']").textContent()).toBe("low stock");
		const widths = await page.evaluate(() => ({
			scroll: document.documentElement.scrollWidth,
			client: document.documentElement.clientWidth,
		}));
		expect(widths.scroll).toBeLessThanOrEqual(widths.client);
		expect(await seriousViolations(page)).toEqual([]);
	});
});
