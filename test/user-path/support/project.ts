/**
 * The product as a user has it: a copy of this checkout in a temporary folder
 * (its own `.dev.vars`, its own `.wrangler/` state, the same node_modules),
 * started with the README's commands. Nothing here configures the worker: what
 * it sees, it read from `.dev.vars` and `wrangler.toml` like a user's would.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { killGroup, waitForHttp } from "../../../scripts/stack.ts";

export { freePort } from "../../../scripts/stack.ts";

const execFileAsync = promisify(execFile);

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const STARTUP_MS = 120_000;

/** The files a clone would have (tracked, and new ones not ignored), copied; node_modules linked. */
export function copyProject(): string {
	const dir = mkdtempSync(join(tmpdir(), "user-path-"));
	const files = execFileSync(
		"git",
		["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
		{
			cwd: ROOT,
			encoding: "utf8",
		},
	)
		.split("\0")
		.filter((f) => f && !f.startsWith("test/") && !f.startsWith("bench/"));
	for (const file of files) {
		mkdirSync(dirname(join(dir, file)), { recursive: true });
		try {
			cpSync(join(ROOT, file), join(dir, file));
		} catch (err) {
			// A file deleted in the working tree but still in the index.
			if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
		}
	}
	symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
	return dir;
}

/** Writes `.dev.vars` as a user would: `KEY=value` lines. */
export function writeDevVars(dir: string, vars: Record<string, string>): void {
	const lines = Object.entries(vars).map(([key, value]) => `${key}=${value}`);
	writeFileSync(join(dir, ".dev.vars"), `# written by the user-path tests\n${lines.join("\n")}\n`);
}

export type Running = {
	url: string;
	output(): string;
	stop(): Promise<void>;
};

/**
 * Runs a command in the project the way a user types it (`npm run dev`, `npx
 * wrangler dev …`) in its own process group, and waits until `/healthz` answers.
 */
export async function start(
	dir: string,
	command: string[],
	options: { port: number; env?: Record<string, string> },
): Promise<Running> {
	let output = "";
	const child = spawn(command[0], command.slice(1), {
		cwd: dir,
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
		env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...options.env },
	});
	const collect = (chunk: Buffer) => {
		output += chunk.toString("utf8");
		if (output.length > 400_000) output = output.slice(-200_000);
	};
	child.stdout?.on("data", collect);
	child.stderr?.on("data", collect);
	const kill = (signal: NodeJS.Signals) => killGroup(child.pid, signal);
	const killOnExit = () => kill("SIGKILL");
	process.once("exit", killOnExit);
	const url = `http://localhost:${options.port}`;
	const running: Running = {
		url,
		output: () => output,
		stop: async () => {
			if (child.exitCode === null && child.signalCode === null) {
				const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
				kill("SIGINT");
				const timer = setTimeout(() => kill("SIGKILL"), 8_000);
				await exited;
				clearTimeout(timer);
			}
			kill("SIGKILL");
			process.off("exit", killOnExit);
		},
	};
	try {
		await waitForHealth(url, child, () => output);
	} catch (error) {
		await running.stop();
		throw error;
	}
	return running;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
	try {
		await waitForHttp(
			`${url}/healthz`,
			STARTUP_MS,
			() => child.exitCode === null && child.signalCode === null,
		);
	} catch (err) {
		throw new Error(`${(err as Error).message}:\n${output()}`);
	}
}

/**
 * Runs a shell command line exactly as the README prints it; answers its
 * standard output. Asynchronous: an emulator in this process must keep answering.
 */
export async function sh(dir: string, line: string): Promise<string> {
	const { stdout } = await execFileAsync("bash", ["-c", line], {
		cwd: dir,
		encoding: "utf8",
		timeout: 120_000,
	});
	return stdout;
}

export function removeProject(dir: string): void {
	rmSync(dir, { recursive: true, force: true });
}
