/**
 * The whole shop for the browser tests, isolated from anyone's `npm run dev`:
 * a fresh local D1 in a temporary directory, the Stripe emulator on a random
 * port, and `wrangler dev` on another free port, wired to each other the way
 * scripts/dev.ts wires them.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startEmulator } from "../../emulator/server.ts";

declare module "vitest" {
	interface ProvidedContext {
		e2eWorkerUrl: string;
		e2eEmulatorUrl: string;
		e2ePersistDir: string;
		e2eAdminToken: string;
	}
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const STARTUP_TIMEOUT_MS = 90_000;
const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef";

/** A port the OS considers free right now (ephemeral range: never 8787, 8799 or 12111). */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			const port = typeof address === "object" && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

function runWrangler(args: string[]): void {
	const result = spawnSync(process.execPath, [WRANGLER, ...args], {
		cwd: ROOT,
		encoding: "utf8",
		env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
		timeout: 60_000,
	});
	if (result.status !== 0) {
		throw new Error(
			`e2e setup: \`wrangler ${args.join(" ")}\` failed (status ${result.status}, ${result.error?.message ?? "no spawn error"}):\n${result.stdout}\n${result.stderr}`,
		);
	}
}

/** Kills wrangler and its workerd children (one process group). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// Already gone.
	}
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
	const deadline = Date.now() + STARTUP_TIMEOUT_MS;
	let lastError = "no answer yet";
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(
				`e2e setup: wrangler dev exited (${child.exitCode ?? child.signalCode}) before answering /healthz. Its output:\n${output()}`,
			);
		}
		try {
			const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
			if (response.ok) return;
			lastError = `HTTP ${response.status}: ${await response.text()}`;
		} catch (error) {
			lastError = error instanceof Error ? error.message : String(error);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(
		`e2e setup: wrangler dev did not answer ${url}/healthz within ${STARTUP_TIMEOUT_MS / 1000} s (last: ${lastError}). Its output:\n${output()}`,
	);
}

export default async function setup(project: TestProject) {
	// Screenshots are of this run only (a stale "failed-…" one would mislead).
	rmSync(join(ROOT, "test-results/screenshots"), { recursive: true, force: true });
	const persistDir = mkdtempSync(join(tmpdir(), "e2e-d1-"));
	// An explicit (empty) env file: wrangler then ignores a developer's .dev.vars.
	const envFile = join(persistDir, "e2e.env");
	writeFileSync(envFile, "");
	runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir]);

	const workerPort = await freePort();
	const inspectorPort = await freePort();
	const workerUrl = `http://127.0.0.1:${workerPort}`;
	const emulatorLog: string[] = [];
	const emulator = await startEmulator({
		port: 0,
		webhookUrl: `${workerUrl}/webhook`,
		webhookSecret: `whsec_e2e_${randomBytes(12).toString("hex")}`,
		retryBaseMs: 50,
		log: (line) => emulatorLog.push(line),
	});

	let output = "";
	const child = spawn(
		process.execPath,
		[
			WRANGLER,
			"dev",
			"--port",
			String(workerPort),
			"--ip",
			"127.0.0.1",
			"--inspector-port",
			String(inspectorPort),
			"--persist-to",
			persistDir,
			"--env-file",
			envFile,
			"--log-level",
			"warn",
			"--show-interactive-dev-session=false",
			"--var",
			"STRIPE_SECRET_KEY:sk_test_emulator",
			"--var",
			`STRIPE_WEBHOOK_SECRET:${emulator.webhookSecret}`,
			"--var",
			`STRIPE_API_BASE:${emulator.url}`,
			"--var",
			"CHECKOUT_RATE_LIMIT:off",
			"--var",
			"RECONCILE_GRACE_SECONDS:0",
			"--var",
			`ADMIN_TOKEN:${E2E_ADMIN_TOKEN}`,
		],
		{
			cwd: ROOT,
			detached: true,
			stdio: ["ignore", "pipe", "pipe"],
			env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
		},
	);
	const collect = (chunk: Buffer) => {
		output += chunk.toString("utf8");
		if (output.length > 200_000) output = output.slice(-100_000);
	};
	child.stdout?.on("data", collect);
	child.stderr?.on("data", collect);
	// Even if vitest is interrupted before teardown, leave no wrangler or workerd behind.
	const killOnExit = () => killGroup(child, "SIGKILL");
	process.once("exit", killOnExit);

	const teardown = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
			killGroup(child, "SIGTERM");
			const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
			await exited;
			clearTimeout(timer);
		}
		// workerd may outlive wrangler for a moment: make sure the whole group is gone.
		killGroup(child, "SIGKILL");
		process.off("exit", killOnExit);
		await emulator.close();
		rmSync(persistDir, { recursive: true, force: true });
	};

	try {
		await waitForHealth(workerUrl, child, () => output);
	} catch (error) {
		await teardown();
		throw error;
	}

	project.provide("e2eWorkerUrl", workerUrl);
	project.provide("e2eEmulatorUrl", emulator.url);
	project.provide("e2ePersistDir", persistDir);
	project.provide("e2eAdminToken", E2E_ADMIN_TOKEN);

	return async () => {
		if (process.env.E2E_VERBOSE) {
			console.log(`wrangler dev output:\n${output}\nemulator log:\n${emulatorLog.join("\n")}`);
		}
		await teardown();
	};
}
