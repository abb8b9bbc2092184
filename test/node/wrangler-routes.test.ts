import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PAGES } from "../../src/routes/page-paths.ts";

/** The paths wrangler.toml routes to the worker before the assets layer answers them. */
function runWorkerFirst(): string[] {
	const toml = readFileSync("wrangler.toml", "utf8");
	const list = /run_worker_first\s*=\s*\[([^\]]*)\]/.exec(toml)?.[1] ?? "";
	return [...list.matchAll(/"([^"]+)"/g)].map((m) => String(m[1]));
}

describe("wrangler.toml run_worker_first", () => {
	it("routes every page the worker renders to the worker (else the assets layer serves it without its CSP)", () => {
		expect(runWorkerFirst()).toEqual(expect.arrayContaining(Object.keys(PAGES)));
	});

	it("routes the API, the webhook, admin and the Cron's local trigger to the worker", () => {
		expect(runWorkerFirst()).toEqual(
			expect.arrayContaining([
				"/api/*",
				"/create-checkout-session",
				"/webhook",
				"/admin/*",
				"/healthz",
				"/__scheduled",
			]),
		);
	});
});
