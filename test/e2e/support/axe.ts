/**
 * axe-core's serious and critical findings on a page. axe is injected through
 * the DevTools protocol (page.evaluate), which the pages' CSP does not govern:
 * a <script> tag would rightly be refused.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const axeSource = readFileSync(
	createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
	"utf8",
);

type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown }[] };

export async function seriousViolations(page: Page): Promise<string[]> {
	return violations(page, ["serious", "critical"]);
}

/** axe-core's findings of these impacts (all of them by default), one line each. */
export async function violations(
	page: Page,
	impacts: readonly string[] = ["minor", "moderate", "serious", "critical"],
): Promise<string[]> {
	await page.evaluate(axeSource);
	const found = await page.evaluate(async () => {
		const axe = (
			globalThis as unknown as {
				axe: { run: (ctx: Document) => Promise<{ violations: Violation[] }> };
			}
		).axe;
		return (await axe.run(document)).violations;
	});
	return found
		.filter((v) => impacts.includes(v.impact ?? ""))
		.map(
			(v) =>
				`${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")})`,
		);
}
