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

function deploy(args: string[], secretList: string | null) {
	dir = mkdtempSync(join(tmpdir(), "deploy-"));
	const calls = join(dir, "calls.log");
	const fake = join(dir, "wrangler");
	writeFileSync(
		fake,
		`#!/usr/bin/env bash
echo "$*" >> ${calls}
if [ "$1" = secret ]; then
  ${secretList === null ? 'echo "This Worker does not exist on your account. [code: 10007]" >&2; exit 1' : `echo '${secretList}'`}
fi
exit 0
`,
	);
	chmodSync(fake, 0o755);
	const result = spawnSync(process.execPath, ["scripts/deploy.ts", ...args], {
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
		calls: log.trim().split("\n").filter(Boolean),
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
			"secret list --format json",
			"d1 migrations apply DB --remote",
			"deploy",
		]);
	});

	it("refuses, naming the secret and deploying nothing, when one is missing", () => {
		const run = deploy([], JSON.stringify([{ name: "STRIPE_SECRET_KEY", type: "secret_text" }]));
		expect(run.status).toBe(1);
		expect(run.stderr).toContain("Required secrets not set: STRIPE_WEBHOOK_SECRET");
		expect(run.calls).toEqual(["secret list --format json"]);
	});

	it("asks a new Worker for a secrets file, and deploys with one that holds both", () => {
		const refused = deploy([], null);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toContain("--secrets-file");
		expect(refused.calls).toEqual(["secret list --format json"]);

		const secrets = join(tmpdir(), `secrets-${process.pid}.env`);
		writeFileSync(secrets, "STRIPE_SECRET_KEY=sk_live_x\nSTRIPE_WEBHOOK_SECRET=whsec_y\n");
		const run = deploy(["--secrets-file", secrets], null);
		rmSync(secrets);
		expect(run.status).toBe(0);
		expect(run.calls).toEqual([
			"d1 migrations apply DB --remote",
			`deploy --secrets-file ${secrets}`,
		]);
	});

	it("refuses a secrets file that lacks one (or leaves it empty)", () => {
		const secrets = join(tmpdir(), `secrets-empty-${process.pid}.env`);
		writeFileSync(secrets, "STRIPE_SECRET_KEY=sk_live_x\nSTRIPE_WEBHOOK_SECRET=\n");
		const run = deploy(["--secrets-file", secrets], null);
		rmSync(secrets);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain("Required secrets not set: STRIPE_WEBHOOK_SECRET");
		expect(run.calls).toEqual([]);
	});
});
