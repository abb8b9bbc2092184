import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Stripe from "stripe";
import { type Emulator, startEmulator } from "stripe-emulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HANDLED_EVENT_TYPES } from "../../src/domain/handled-events.ts";
import { STRIPE_API_VERSION } from "../../src/lib/stripe.ts";

const SETUP = fileURLToPath(new URL("../../scripts/stripe-setup.ts", import.meta.url));
const LISTEN = fileURLToPath(new URL("../../scripts/stripe-listen.ts", import.meta.url));
const KEY = "sk_test_x";
const WORKER_URL = "https://shop.example.workers.dev/webhook";

type Run = { code: number; stdout: string; stderr: string };

/** Runs a script with only the environment given: nothing leaks in from the developer's shell. */
function run(script: string, args: string[], env: Record<string, string>): Promise<Run> {
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			[script, ...args],
			{ env: { PATH: process.env.PATH ?? "", ...env }, timeout: 20_000 },
			(error, stdout, stderr) => {
				const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
				resolve({ code, stdout, stderr });
			},
		);
	});
}

let emulator: Emulator;
let stripe: Stripe;

beforeEach(async () => {
	emulator = await startEmulator({ port: 0 });
	stripe = new Stripe(KEY, { host: "127.0.0.1", port: emulator.port, protocol: "http" });
});
afterEach(async () => {
	await emulator.close();
});

const setup = (args: string[] = ["--url", WORKER_URL], env: Record<string, string> = {}) =>
	run(SETUP, args, { STRIPE_SECRET_KEY: KEY, STRIPE_API_BASE: emulator.url, ...env });

async function endpoints() {
	return (await stripe.webhookEndpoints.list({ limit: 100 })).data;
}

/** Writes to webhook endpoints the emulator received (creates and updates). */
async function endpointWrites(): Promise<{ method: string; path: string }[]> {
	const res = await fetch(
		`${emulator.url}/_emulator/requests?path=/v1/webhook_endpoints&method=POST`,
	);
	return ((await res.json()) as { data: { method: string; path: string }[] }).data;
}

const sorted = (list: readonly string[]) => [...list].sort();

describe("scripts/stripe-setup.ts", () => {
	it("creates one endpoint for exactly the handled events and prints its secret and the wrangler command", async () => {
		const result = await setup();
		expect(result.code, result.stderr).toBe(0);

		const all = await endpoints();
		expect(all).toHaveLength(1);
		const [endpoint] = all;
		expect(sorted(endpoint?.enabled_events ?? [])).toEqual(sorted(HANDLED_EVENT_TYPES));
		expect(endpoint).toMatchObject({
			url: WORKER_URL,
			api_version: STRIPE_API_VERSION,
			description: "stripe-checkout-worker",
		});
		expect(result.stdout).toMatch(/whsec_\S+/);
		expect(result.stdout).toContain("npx wrangler secret put STRIPE_WEBHOOK_SECRET");
		expect(`${result.stdout}${result.stderr}`).not.toContain(KEY);
	});

	it("changes nothing when run again", async () => {
		expect((await setup()).code).toBe(0);
		const writesBefore = await endpointWrites();

		const again = await setup();
		expect(again.code, again.stderr).toBe(0);
		expect(again.stdout).toContain("up to date");
		expect(again.stdout).not.toMatch(/whsec_/);
		expect(await endpoints()).toHaveLength(1);
		expect(await endpointWrites()).toEqual(writesBefore);
	});

	it("updates an endpoint whose events are stale, keeping its id and secret", async () => {
		const stale = await stripe.webhookEndpoints.create({
			url: WORKER_URL,
			enabled_events: ["charge.refunded", "customer.created"],
			api_version: STRIPE_API_VERSION,
		});
		const other = await stripe.webhookEndpoints.create({
			url: "https://another.example/webhook",
			enabled_events: ["customer.created"],
		});

		const result = await setup();
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain(`Updated the events of webhook endpoint ${stale.id}`);
		expect(result.stdout).toContain("removed: customer.created");
		expect(result.stdout).not.toMatch(/whsec_/);

		const all = await endpoints();
		expect(all).toHaveLength(2);
		const updated = all.find((e) => e.id === stale.id);
		expect(sorted(updated?.enabled_events ?? [])).toEqual(sorted(HANDLED_EVENT_TYPES));
		expect(all.find((e) => e.id === other.id)?.enabled_events).toEqual(["customer.created"]);
		expect(await endpointWrites()).toEqual([
			expect.objectContaining({ path: "/v1/webhook_endpoints" }),
			expect.objectContaining({ path: "/v1/webhook_endpoints" }),
			expect.objectContaining({ path: `/v1/webhook_endpoints/${stale.id}` }),
		]);
	});

	it("finds the endpoint among many (list pagination)", async () => {
		await stripe.webhookEndpoints.create({ url: WORKER_URL, enabled_events: ["customer.created"] });
		for (let i = 0; i < 105; i++) {
			await stripe.webhookEndpoints.create({
				url: `https://shop${i}.example/webhook`,
				enabled_events: ["charge.refunded"],
			});
		}
		const result = await setup();
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain("Updated the events");
		const matching = (
			await stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 200 })
		).filter((e) => e.url === WORKER_URL);
		expect(matching).toHaveLength(1);
	});

	it("refuses a live key with STRIPE_API_BASE, without printing the key or calling anything", async () => {
		const liveKey = "sk_live_51SuperSecretValue0123456789";
		const result = await setup(undefined, { STRIPE_SECRET_KEY: liveKey });
		expect(result.code).toBe(1);
		expect(result.stderr).toContain("STRIPE_API_BASE may only be set with a test key");
		expect(`${result.stdout}${result.stderr}`).not.toContain(liveKey);
		const res = await fetch(`${emulator.url}/_emulator/requests`);
		expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
	});

	it("exits 1 with a clear message when the key is missing or malformed", async () => {
		const missing = await run(SETUP, ["--url", WORKER_URL], { STRIPE_API_BASE: emulator.url });
		expect(missing.code).toBe(1);
		expect(missing.stderr).toContain("STRIPE_SECRET_KEY is not set");

		const malformed = await setup(undefined, { STRIPE_SECRET_KEY: "pk_test_publishable" });
		expect(malformed.code).toBe(1);
		expect(malformed.stderr).toContain("STRIPE_SECRET_KEY does not look like");
		expect(malformed.stderr).not.toContain("pk_test_publishable");
	});

	it("exits 1 without --url, or with a URL that is not http(s)", async () => {
		const none = await setup([]);
		expect(none.code).toBe(1);
		expect(none.stderr).toContain("--url is required");
		const ftp = await setup(["--url", "ftp://shop.example/webhook"]);
		expect(ftp.code).toBe(1);
		expect(await endpoints()).toEqual([]);
	});

	it("exits 1 when Stripe refuses, naming the problem but not the key", async () => {
		const key = "sk_test_revokedKey0123456789abcdef";
		await fetch(`${emulator.url}/_emulator/faults`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				match: "/v1/webhook_endpoints",
				status: 401,
				type: "invalid_request_error",
			}),
		});
		const result = await setup(undefined, { STRIPE_SECRET_KEY: key });
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^stripe-setup: .+/);
		expect(`${result.stdout}${result.stderr}`).not.toContain(key);
	});

	it("exits 1 when Stripe cannot be reached", async () => {
		const base = emulator.url;
		await emulator.close();
		const result = await run(SETUP, ["--url", WORKER_URL], {
			STRIPE_SECRET_KEY: KEY,
			STRIPE_API_BASE: base,
		});
		emulator = await startEmulator({ port: 0 });
		expect(result.code).toBe(1);
		expect(result.stderr).toContain("could not reach Stripe");
	});
});

describe("scripts/stripe-listen.ts", () => {
	let dir: string;
	beforeEach(async () => {
		dir = await mkdtemp(join(tmpdir(), "stripe-listen-"));
	});
	afterEach(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it.skipIf(process.platform === "win32")(
		"runs stripe listen for the handled events, forwarding to the local worker",
		async () => {
			const argsFile = join(dir, "args.txt");
			const fake = join(dir, "stripe");
			await writeFile(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > "${argsFile}"\n`);
			await chmod(fake, 0o755);
			const result = await run(LISTEN, [], { PATH: dir });
			expect(result.code, result.stderr).toBe(0);
			expect((await readFile(argsFile, "utf8")).trim().split("\n")).toEqual([
				"listen",
				"--forward-to",
				"localhost:8787/webhook",
				"--events",
				HANDLED_EVENT_TYPES.join(","),
			]);
		},
	);

	it("explains how to install the Stripe CLI when it is not on PATH", async () => {
		const result = await run(LISTEN, [], { PATH: dir });
		expect(result.code).toBe(1);
		expect(result.stderr).toContain("Stripe CLI is not installed");
		expect(result.stderr).toContain("https://docs.stripe.com/stripe-cli");
	});
});
