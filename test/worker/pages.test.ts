import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fetchWithEnv } from "./helpers/app.ts";
import { ORIGIN } from "./helpers/checkout.ts";

describe("HTML pages", () => {
	for (const path of ["/", "/index.html", "/success.html", "/cancel.html", "/admin.html"]) {
		it(`serves ${path} with the security headers and no inline script`, async () => {
			const res = await exports.default.fetch(`${ORIGIN}${path}`);
			expect(res.status).toBe(200);
			expect(res.headers.get("content-type")).toContain("text/html");
			const csp = res.headers.get("content-security-policy") ?? "";
			expect(csp).toContain("default-src 'self'");
			expect(csp).toContain("script-src 'self'");
			expect(csp).toContain("frame-ancestors 'none'");
			expect(csp).toMatch(/form-action 'self' https:\/\/checkout\.stripe\.com/);
			expect(res.headers.get("strict-transport-security")).toContain("max-age=");
			expect(res.headers.get("x-content-type-options")).toBe("nosniff");
			expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
			const body = await res.text();
			// Every <script> loads a file of ours, or is a JSON data block that never runs
			// (the page's messages): no inline code, no third party.
			const scripts = body.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? [];
			const dataBlocks = scripts.filter((tag) => /^<script type="application\/json"/.test(tag));
			for (const block of dataBlocks) {
				expect(() =>
					JSON.parse(block.replace(/^<script[^>]*>/, "").replace("</script>", "")),
				).not.toThrow();
			}
			for (const tag of scripts.filter((t) => !dataBlocks.includes(t))) {
				expect(tag).toMatch(/src="\/js\/[\w-]+\.js"/);
				expect(
					tag
						.replace(/<script\b[^>]*>/, "")
						.replace("</script>", "")
						.trim(),
				).toBe("");
			}
			expect(body).not.toMatch(/\son[a-z]+=/i);
		});
	}

	it("lets forms go to the emulator in local mode only", async () => {
		const local = await exports.default.fetch(`${ORIGIN}/`);
		expect(local.headers.get("content-security-policy")).toContain(
			new URL(env.STRIPE_API_BASE).origin,
		);
		const prod = await fetchWithEnv(new Request(`${ORIGIN}/`), { STRIPE_API_BASE: "" });
		expect(prod.headers.get("content-security-policy")).not.toContain("127.0.0.1");
	});

	it("sells without JavaScript: a Buy now form per active product inside <noscript>", async () => {
		const body = await (await exports.default.fetch(`${ORIGIN}/`)).text();
		const noscript = body.match(/<noscript>([\s\S]*?)<\/noscript>/)?.[1] ?? "";
		const forms = noscript.match(/<form method="post" action="\/create-checkout-session">/g) ?? [];
		expect(forms.length).toBe(5);
		expect(noscript).toContain('value="brewing-guide"');
		expect(noscript).toContain('value="matcha-tin"');
		expect(noscript).toContain("¥1,500");
		expect(noscript).toContain("$24.00");
		expect(noscript).not.toContain("retired-grinder");
	});
});
