import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { securityHeaderList } from "../../src/routes/security-headers.ts";

/** Static assets never pass through the worker: public/_headers must carry exactly the security headers of the worker's answers. */
function rulesFor(path: string): Record<string, string> {
	const lines = readFileSync("public/_headers", "utf8").split("\n");
	const headers: Record<string, string> = {};
	let inRule = false;
	for (const line of lines) {
		if (!line.trim() || line.trim().startsWith("#")) continue;
		if (!/^\s/.test(line)) {
			inRule = line.trim() === path;
			continue;
		}
		if (!inRule) continue;
		const [name, ...value] = line.trim().split(":");
		headers[(name ?? "").toLowerCase()] = value.join(":").trim();
	}
	return headers;
}

describe("public/_headers", () => {
	const all = rulesFor("/*");

	it("carries exactly the headers the worker sends (its deployed list: no emulator origin)", () => {
		const worker = Object.fromEntries(
			securityHeaderList(null).map(([name, value]) => [name.toLowerCase(), value]),
		);
		expect(all).toEqual(worker);
	});

	it("sets a strict CSP on every static file", () => {
		const csp = all["content-security-policy"] ?? "";
		for (const directive of [
			"default-src 'self'",
			"script-src 'self'",
			"frame-ancestors 'none'",
			"form-action 'self' https://checkout.stripe.com",
		]) {
			expect(csp).toContain(directive);
		}
		expect(csp).not.toContain("unsafe-inline");
		expect(csp).not.toContain("unsafe-eval");
	});

	it("sets HSTS, nosniff and the referrer policy", () => {
		expect(all["strict-transport-security"]).toMatch(/max-age=\d{8,}/);
		expect(all["x-content-type-options"]).toBe("nosniff");
		expect(all["referrer-policy"]).toBe("strict-origin-when-cross-origin");
	});
});
