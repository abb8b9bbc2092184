/**
 * The README's commands do what they say: `npm run dev -- --port N` serves on
 * N, `npm run stripe:listen` forwards to the port `npm run dev` uses, and
 * `npm run deploy` refuses what `/healthz` would call broken (APP_URL unset),
 * saying what to set and where, before it reaches for Cloudflare.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyProject, freePort, removeProject, start, writeDevVars } from "./support/project.ts";

const execFileAsync = promisify(execFile);

/** Runs an npm script in the project as a user types it; its exit code and what it printed. */
async function npm(dir: string, args: string[], env: Record<string, string> = {}) {
	try {
		const { stdout, stderr } = await execFileAsync("npm", args, {
			cwd: dir,
			env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...env },
			timeout: 120_000,
		});
		return { code: 0, output: `${stdout}${stderr}` };
	} catch (err) {
		const e = err as { code?: number; stdout?: string; stderr?: string };
		return { code: e.code ?? 1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
	}
}

describe("the README's commands", () => {
	let dir: string;
	beforeAll(() => {
		dir = copyProject();
	});
	afterAll(() => removeProject(dir));

	it("serves the shop on the port given after --, and says so", async () => {
		writeDevVars(dir, {});
		const port = await freePort();
		const shop = await start(dir, ["npm", "run", "dev", "--", "--port", String(port)], {
			port,
			env: {
				EMULATOR_PORT: String(await freePort()),
				MAILBOX_PORT: String(await freePort()),
			},
		});
		try {
			expect(shop.output()).toContain(`Shop      http://localhost:${port}/`);
			expect(shop.output()).toContain(`forwarded to http://127.0.0.1:${port}/webhook`);
			expect(shop.output()).not.toContain("expects a single value");
			const res = await fetch(`${shop.url}/api/products`);
			expect(res.status).toBe(200);
		} finally {
			await shop.stop();
		}
	});

	it("forwards stripe listen to the port npm run dev uses (PORT)", async () => {
		const bin = mkdtempSync(join(tmpdir(), "stripe-cli-"));
		const argsFile = join(bin, "args.txt");
		writeFileSync(join(bin, "stripe"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${argsFile}"\n`);
		chmodSync(join(bin, "stripe"), 0o755);
		try {
			const run = await npm(dir, ["run", "stripe:listen"], {
				PORT: "3000",
				PATH: `${bin}:${process.env.PATH}`,
			});
			expect(run.code, run.output).toBe(0);
			const args = readFileSync(argsFile, "utf8").trim().split("\n");
			expect(args.slice(0, 3)).toEqual(["listen", "--forward-to", "localhost:3000/webhook"]);
		} finally {
			rmSync(bin, { recursive: true, force: true });
		}
	});

	it("refuses to deploy without APP_URL, naming it and where it goes, before any Cloudflare call", async () => {
		const secrets = join(dir, ".secrets.prod");
		writeFileSync(secrets, "STRIPE_SECRET_KEY=sk_live_x\nSTRIPE_WEBHOOK_SECRET=whsec_y\n");
		const refused = await npm(dir, ["run", "deploy", "--", "--secrets-file", secrets]);
		expect(refused.code).not.toBe(0);
		expect(refused.output).toContain("APP_URL is not set");
		expect(refused.output).toContain("set it in wrangler.toml [vars]");
		expect(refused.output).not.toContain("sk_live_x");
		// wrangler was not asked to touch the remote database.
		expect(refused.output).not.toContain("migrations");

		// With APP_URL set as the README says, the check passes and wrangler takes over (here it
		// cannot reach Cloudflare: no account, no network).
		const toml = join(dir, "wrangler.toml");
		writeFileSync(
			toml,
			readFileSync(toml, "utf8").replace('APP_URL = ""', 'APP_URL = "https://shop.example.com"'),
		);
		const passed = await npm(dir, ["run", "deploy", "--", "--secrets-file", secrets]);
		expect(passed.output).not.toContain("could not sell with these settings");
	});
});
