/**
 * `npm run deploy` refuses to ship without the required secrets (what
 * wrangler's `[secrets] required` did), against a stand-in `wrangler` that
 * records its calls and answers `secret list` as told.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

let dir: string;

/** A shop's wrangler.toml as an owner fills it in before a deploy, with these `[vars]`. */
const READY = { APP_URL: "https://shop.example.com", SHIPPING_COUNTRIES: "US,FR" };

function deploy(
	args: string[],
	secretList: string | null,
	vars: Record<string, string> = READY,
	listError = "This Worker does not exist on your account. [code: 10007]",
) {
	dir = mkdtempSync(join(tmpdir(), "deploy-"));
	const calls = join(dir, "calls.log");
	const fake = join(dir, "wrangler");
	const config = join(dir, "wrangler.toml");
	writeFileSync(
		config,
		`name = "shop"\nmain = "src/index.ts"\ncompatibility_date = "2026-08-01"\n[vars]\n${Object.entries(
			vars,
		)
			.map(([k, v]) => `${k} = "${v}"`)
			.join("\n")}\n`,
	);
	writeFileSync(
		fake,
		`#!/usr/bin/env bash
echo "$*" >> ${calls}
if [ "$1" = secret ]; then
  ${secretList === null ? `echo "${listError}" >&2; exit 1` : `echo '${secretList}'`}
fi
exit 0
`,
	);
	chmodSync(fake, 0o755);
	const result = spawnSync(process.execPath, ["scripts/deploy.ts", "--config", config, ...args], {
		encoding: "utf8",
		env: { ...process.env, WRANGLER_BIN: fake },
	});
	let log = "";
	try {
		log = readFileSync(calls, "utf8");
	} catch {
		// No call made.
	}
	return {
		status: result.status,
		stderr: result.stderr,
		// The config's temporary path, as `<config>`.
		calls: log
			.trim()
			.split("\n")
			.filter(Boolean)
			.map((call) => call.replaceAll(config, "<config>")),
	};
}

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run deploy", () => {
	it("migrates and deploys a Worker that has both Stripe secrets", () => {
		const run = deploy(
			[],
			JSON.stringify([
				{ name: "STRIPE_SECRET_KEY", type: "secret_text" },
				{ name: "STRIPE_WEBHOOK_SECRET", type: "secret_text" },
			]),
		);
		expect(run.status).toBe(0);
		expect(run.calls).toEqual([
			"secret list --format json --config <config>",
			"d1 migrations apply DB --remote --config <config>",
			"deploy --config <config>",
		]);
	});

	it("refuses, naming the secret and how to set it, deploying nothing, when one is missing", () => {
		const run = deploy([], JSON.stringify([{ name: "STRIPE_SECRET_KEY", type: "secret_text" }]));
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(
			"STRIPE_WEBHOOK_SECRET is not set: npx wrangler secret put STRIPE_WEBHOOK_SECRET",
		);
		expect(run.calls).toEqual(["secret list --format json --config <config>"]);
	});

	const bothSecrets = JSON.stringify([
		{ name: "STRIPE_SECRET_KEY", type: "secret_text" },
		{ name: "STRIPE_WEBHOOK_SECRET", type: "secret_text" },
	]);

	it("refuses a wrangler.toml without APP_URL, as /healthz would, deploying nothing", () => {
		const run = deploy([], bothSecrets, { APP_URL: "" });
		expect(run.status).toBe(1);
		expect(run.stderr).toContain("/healthz would answer 503");
		expect(run.stderr).toContain("APP_URL is not set");
		expect(run.stderr).toContain("set it in wrangler.toml [vars]");
		expect(run.calls).toEqual(["secret list --format json --config <config>"]);
	});

	it("names every malformed setting at once, and never a value", () => {
		const run = deploy([], bothSecrets, {
			...READY,
			SHIPPING_COUNTRIES: "France",
			AUTOMATIC_TAX: "yes",
			EMAIL_PROVIDER: "resend",
		});
		expect(run.status).toBe(1);
		for (const name of ["SHIPPING_COUNTRIES", "AUTOMATIC_TAX", "EMAIL_FROM"])
			expect(run.stderr).toContain(name);
		expect(run.stderr).not.toContain("France");
		expect(run.calls).toEqual(["secret list --format json --config <config>"]);
	});

	it("says what wrangler said when it cannot list the secrets (logged out, offline)", () => {
		const run = deploy([], null, READY, "Not logged in: run wrangler login. [code: 10000]");
		expect(run.status).toBe(1);
		expect(run.stderr).toContain("Not logged in: run wrangler login. [code: 10000]");
		expect(run.stderr).toContain("npx wrangler login");
		expect(run.stderr).not.toContain("is this its first deploy?");
	});

	it("asks a new Worker for a secrets file, and deploys with one that holds both", () => {
		const refused = deploy([], null);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toContain("--secrets-file");
		expect(refused.calls).toEqual(["secret list --format json --config <config>"]);

		const secrets = join(tmpdir(), `secrets-${process.pid}.env`);
		writeFileSync(secrets, "STRIPE_SECRET_KEY=sk_live_x\nSTRIPE_WEBHOOK_SECRET=whsec_y\n");
		const run = deploy(["--secrets-file", secrets], null);
		rmSync(secrets);
		expect(run.status).toBe(0);
		expect(run.calls).toEqual([
			"d1 migrations apply DB --remote --config <config>",
			`deploy --config <config> --secrets-file ${secrets}`,
		]);
	});

	it("refuses a secrets file that lacks one (or leaves it empty)", () => {
		const secrets = join(tmpdir(), `secrets-empty-${process.pid}.env`);
		writeFileSync(secrets, "STRIPE_SECRET_KEY=sk_live_x\nSTRIPE_WEBHOOK_SECRET=\n");
		const run = deploy(["--secrets-file", secrets], null);
		rmSync(secrets);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain("STRIPE_WEBHOOK_SECRET is not set");
		expect(run.calls).toEqual([]);
	});
});
