/**
 * `npm run deploy`: refuses to ship a Worker that `/healthz` would call broken
 * (SPEC 5): the settings of `wrangler.toml` and the Worker's secrets are
 * checked as the worker checks them (`settingProblems` in src/config.ts: the
 * Stripe secrets, APP_URL, each optional setting that is set but malformed),
 * then the D1 migrations are applied remotely and `wrangler deploy` runs.
 *
 * wrangler's own `[secrets] required` check would do part of the refusing, but
 * with it `wrangler dev` loads only the listed keys from `.dev.vars` and
 * silently drops every optional setting, so the check lives here instead.
 *
 *   npm run deploy                                  # an existing Worker: its secrets are checked
 *   npm run deploy -- --secrets-file .secrets.prod  # the first deploy: the file must hold them
 *   npm run deploy -- --config wrangler.staging.toml
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { unstable_readConfig } from "wrangler";
import { type SettingProblem, settingProblems } from "../src/config.ts";
import { parseDotenv } from "./dev-vars.ts";

/** Settings kept as secrets (`wrangler secret put`); the others are `[vars]` of wrangler.toml. */
const SECRETS = new Set([
	"STRIPE_SECRET_KEY",
	"STRIPE_WEBHOOK_SECRET",
	"RESEND_API_KEY",
	"ADMIN_TOKEN",
]);

const wrangler = process.env.WRANGLER_BIN ?? "node_modules/.bin/wrangler";

/** A secrets file: `KEY=value` lines (as .dev.vars) or a JSON object, as wrangler reads it; empty values dropped. */
export function secretsInFile(text: string): Record<string, string> {
	const trimmed = text.trim();
	const entries = trimmed.startsWith("{")
		? Object.entries(JSON.parse(trimmed) as Record<string, unknown>)
		: Object.entries(parseDotenv(text));
	return Object.fromEntries(
		entries.filter((e): e is [string, string] => typeof e[1] === "string" && e[1].trim() !== ""),
	);
}

function fail(message: string): never {
	console.error(`\n✖ ${message}\n`);
	process.exit(1);
}

function run(args: string[]): void {
	const result = spawnSync(wrangler, args, { stdio: "inherit" });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

/** The deployed Worker's secret names, or why wrangler could not list them. */
function deployedSecretNames(config: string[]): { names: string[] } | { why: string } {
	const result = spawnSync(wrangler, ["secret", "list", "--format", "json", ...config], {
		encoding: "utf8",
	});
	if (result.status === 0) {
		try {
			return { names: (JSON.parse(result.stdout) as { name: string }[]).map((s) => s.name) };
		} catch {
			return { why: `wrangler answered something that is not a list: ${result.stdout.trim()}` };
		}
	}
	const said = `${result.stderr ?? ""}\n${result.stdout ?? ""}`
		// biome-ignore lint/suspicious/noControlCharactersInRegex: wrangler's colours, taken out of its words.
		.replace(/\x1b\[[0-9;]*m/g, "")
		.split("\n")
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith("⛅️") && !/^[-─]+$/.test(line));
	return { why: said.slice(-3).join("\n    ") || `wrangler exited with ${result.status}` };
}

/** How to mend one problem, where the owner sets that setting. */
function remedy({ variable, why }: SettingProblem): string {
	if (SECRETS.has(variable)) return `${variable} ${why}: npx wrangler secret put ${variable}`;
	if (variable === "EMAIL") return `${variable} ${why}: add it to wrangler.toml`;
	return `${variable} ${why}: set it in wrangler.toml [vars]`;
}

function main(): void {
	const { values, positionals } = parseArgs({
		options: { "secrets-file": { type: "string" }, config: { type: "string", short: "c" } },
		allowPositionals: true,
		strict: false,
	});
	const secretsFile = typeof values["secrets-file"] === "string" ? values["secrets-file"] : null;
	const configPath = typeof values.config === "string" ? values.config : "wrangler.toml";
	const configArgs = typeof values.config === "string" ? ["--config", values.config] : [];
	if (!existsSync(configPath)) fail(`--config ${configPath}: no such file.`);
	const config = unstable_readConfig({ config: configPath });

	let secrets: Record<string, string> = {};
	let setSecrets: string[] = [];
	if (secretsFile) {
		if (!existsSync(secretsFile)) fail(`--secrets-file ${secretsFile}: no such file.`);
		secrets = secretsInFile(readFileSync(secretsFile, "utf8"));
	} else {
		const deployed = deployedSecretNames(configArgs);
		if ("why" in deployed)
			fail(
				`Could not list this Worker's secrets. wrangler said:\n    ${deployed.why}\n` +
					"  Not logged in, or offline: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN) and try again.\n" +
					"  A Worker's first deploy: put STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET in a file (KEY=value\n" +
					"  lines, git-ignored) and run: npm run deploy -- --secrets-file <file>",
			);
		setSecrets = deployed.names;
	}
	const env = {
		...(config.vars as Record<string, string>),
		...secrets,
		...(config.send_email.some((binding: { name: string }) => binding.name === "EMAIL") && {
			EMAIL: "bound",
		}),
	};
	const problems = settingProblems(env, { local: false, setSecrets });
	if (problems.length > 0)
		fail(
			`This Worker could not sell with these settings (its /healthz would answer 503):\n${problems
				.map((p) => `  ${remedy(p)}`)
				.join("\n")}`,
		);

	run(["d1", "migrations", "apply", "DB", "--remote", ...configArgs]);
	run([
		"deploy",
		...configArgs,
		...(secretsFile ? ["--secrets-file", secretsFile] : []),
		...positionals,
	]);
}

if (import.meta.main) main();
