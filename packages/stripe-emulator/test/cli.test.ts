import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
let child: ChildProcess | null = null;
afterEach(() => {
	if (child && child.exitCode === null) child.kill("SIGKILL");
});

function readUntil(process: ChildProcess, pattern: RegExp): Promise<string> {
	return new Promise((resolve, reject) => {
		let output = "";
		const timer = setTimeout(() => reject(new Error(`CLI printed: ${output}`)), 10_000);
		process.stdout?.on("data", (chunk: Buffer) => {
			output += chunk.toString("utf8");
			if (pattern.test(output)) {
				clearTimeout(timer);
				resolve(output);
			}
		});
	});
}

describe("the emulator CLI", () => {
	it("prints the URL and signing secret like the Stripe CLI, serves the API, and stops on SIGTERM", async () => {
		child = spawn(process.execPath, [CLI, "--port", "0", "--secret", "whsec_from_cli", "--quiet"]);
		const output = await readUntil(child, /Ready! Your webhook signing secret is whsec_from_cli/);
		const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
		const response = await fetch(`${url}/v1/events`, {
			headers: { authorization: "Bearer sk_test_cli" },
		});
		expect(response.status).toBe(200);
		const exited = new Promise<number | null>((resolve) =>
			child?.once("exit", (code) => resolve(code)),
		);
		child.kill("SIGTERM");
		expect(await exited).toBe(0);
	});

	it("seeds the demo promotion codes and --promotion-code ones, and prints them", async () => {
		child = spawn(process.execPath, [
			CLI,
			"--port",
			"0",
			"--quiet",
			"--demo-promotion-codes",
			"--promotion-code",
			"TEAM=2.50eur",
		]);
		const output = await readUntil(child, /Ready!/);
		expect(output).toContain(
			"Promotion codes: WELCOME10 (10 % off), BEANS5 ($5.00 off), TEAM (€2.50 off)",
		);
		const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
		const response = await fetch(`${url}/v1/coupons/TEAM`, {
			headers: { authorization: "Bearer sk_test_cli" },
		});
		expect(await response.json()).toMatchObject({ amount_off: 250, currency: "eur" });
	});
});
