import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";

const SCREENSHOTS = fileURLToPath(new URL("../../../test-results/screenshots/", import.meta.url));

export type PageProblem = {
	kind: "console" | "csp" | "pageerror";
	pageUrl: string;
	text: string;
};

export type Shopper = {
	context: BrowserContext;
	page: Page;
	/** Console errors, uncaught errors and CSP violations seen on the worker's own pages. */
	problemsOnOurPages(): PageProblem[];
	close(): Promise<void>;
};

/**
 * A new shopper: a fresh browser context (empty localStorage and cookies, so a
 * journey never inherits another's cart) that records what goes wrong in it.
 */
export async function newShopper(
	browser: Browser,
	workerUrl: string,
	/** The shopper's browser: its language, JavaScript, colour scheme, screen. */
	options: BrowserContextOptions = {},
): Promise<Shopper> {
	const context = await browser.newContext({
		baseURL: workerUrl,
		locale: "en-US",
		timezoneId: "UTC",
		viewport: { width: 1280, height: 900 },
		...options,
	});
	context.setDefaultTimeout(15_000);
	const problems: PageProblem[] = [];
	const record = (kind: PageProblem["kind"], pageUrl: string, text: string) =>
		problems.push({ kind, pageUrl, text });

	await context.exposeBinding("__e2eReportCspViolation", ({ frame }, text: string) =>
		record("csp", frame.url(), text),
	);
	// Runs before the page's own scripts (and is not subject to its CSP).
	await context.addInitScript(() => {
		document.addEventListener("securitypolicyviolation", (event) => {
			const report = (window as unknown as { __e2eReportCspViolation?: (text: string) => void })
				.__e2eReportCspViolation;
			report?.(
				`${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} at ${event.sourceFile}:${event.lineNumber}`,
			);
		});
	});
	context.on("console", (message) => {
		const text = message.text();
		const pageUrl = message.page()?.url() ?? "";
		if (text.includes("Content Security Policy")) record("csp", pageUrl, text);
		else if (message.type() === "error")
			record("console", pageUrl, `${text} (${message.location().url})`);
	});
	context.on("weberror", (error) => {
		record("pageerror", error.page()?.url() ?? "", String(error.error()));
	});

	const page = await context.newPage();
	return {
		context,
		page,
		problemsOnOurPages: () => problems.filter((p) => p.pageUrl.startsWith(workerUrl)),
		close: () => context.close(),
	};
}

/** A full-page screenshot of where the journey ended, under test-results/screenshots/. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	const path = join(SCREENSHOTS, `${name}.png`);
	await page.screenshot({ path, fullPage: true });
	return path;
}
