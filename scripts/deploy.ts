/**
 * `npm run deploy`: refuses to ship a Worker that lacks its required secrets,
 * then applies the D1 migrations remotely and runs `wrangler deploy`.
 *
 * wrangler's own `[secrets] required` check would do the refusing, but with it
 * `wrangler dev` loads only the listed keys from `.dev.vars` and silently drops
 * every optional setting, so the check lives here instead.
 *
 *   npm run deploy                                  # an existing Worker: its secrets are checked
 *   npm run deploy -- --secrets-file .secrets.prod  # the first deploy: the file must hold them
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseDotenv } from "./dev-vars.ts";

/** Secrets the Worker cannot take a payment without. */
export const REQUIRED_SECRETS = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"] as const;

const wrangler = process.env.WRANGLER_BIN ?? "node_modules/.bin/wrangler";

/** Names in a secrets file: `KEY=value` lines (as .dev.vars) or a JSON object, as wrangler reads it. */
export function secretNamesInFile(text: string): string[] {
	const trimmed = text.trim();
	const entries = trimmed.startsWith("{")
		? Object.entries(JSON.parse(trimmed) as Record<string, unknown>)
		: Object.entries(parseDotenv(text));
	return entries.filter(([, value]) => typeof value === "string" && value.trim()).map(([k]) => k);
}

function fail(message: string): never {
	console.error(`\n✖ ${message}\n`);
	process.exit(1);
}

function run(args: string[]): void {
	const result = spawnSync(wrangler, args, { stdio: "inherit" });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Secret names the deployed Worker has, or null when it does not exist yet (or cannot be asked). */
function deployedSecretNames(): string[] | null {
	const result = spawnSync(wrangler, ["secret", "list", "--format", "json"], {
		encoding: "utf8",
	});
	if (result.status !== 0) return null;
	const list = JSON.parse(result.stdout) as { name: string }[];
	return list.map((s) => s.name);
}

function main(): void {
	const { values, positionals } = parseArgs({
		options: { "secrets-file": { type: "string" } },
		allowPositionals: true,
		strict: false,
	});
	const secretsFile = typeof values["secrets-file"] === "string" ? values["secrets-file"] : null;

	let present: string[];
	if (secretsFile) {
		if (!existsSync(secretsFile)) fail(`--secrets-file ${secretsFile}: no such file.`);
		present = secretNamesInFile(readFileSync(secretsFile, "utf8"));
	} else {
		const deployed = deployedSecretNames();
		if (deployed === null)
			fail(
				"Could not list this Worker's secrets (is this its first deploy?).\n" +
					`  A new Worker needs its secrets with the first deploy: put ${REQUIRED_SECRETS.join(", ")}\n` +
					"  in a file (KEY=value lines, git-ignored) and run: npm run deploy -- --secrets-file <file>",
			);
		present = deployed;
	}
	const missing = REQUIRED_SECRETS.filter((name) => !present.includes(name));
	if (missing.length > 0)
		fail(
			`Required secrets not set: ${missing.join(", ")}.\n` +
				(secretsFile
					? `  Add them to ${secretsFile}.`
					: `  Set each with: npx wrangler secret put ${missing[0]}`),
		);

	run(["d1", "migrations", "apply", "DB", "--remote"]);
	run(["deploy", ...(secretsFile ? ["--secrets-file", secretsFile] : []), ...positionals]);
}

if (import.meta.main) main();
