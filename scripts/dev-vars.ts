import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";

/** `KEY=value` lines with optional quotes and `#` comments, as wrangler reads `.dev.vars`. */
export function parseDotenv(text: string): Record<string, string> {
	return parseEnv(text) as Record<string, string>;
}

/** The developer's `.dev.vars`, or nothing when there is none. */
export function readDevVars(path = ".dev.vars"): Record<string, string> {
	return existsSync(path) ? parseDotenv(readFileSync(path, "utf8")) : {};
}

/** Every setting the worker reads: the names `.dev.vars.example` documents (`# NAME=…` lines). */
export function documentedSettings(path = ".dev.vars.example"): string[] {
	const names = readFileSync(path, "utf8").matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm);
	return [...new Set([...names].map((m) => String(m[1])))];
}

/**
 * Where the worker's Stripe calls go under `npm run dev`:
 * - `emulator`: no secret key set, so the built-in emulator is started and wired in;
 * - `api-base`: a test key and `STRIPE_API_BASE` (an emulator or mock you run yourself);
 * - `stripe`: a key and no override: Stripe itself (forward webhooks with `npm run stripe:listen`).
 */
export function stripeMode(
	vars: Record<string, string | undefined>,
): "emulator" | "api-base" | "stripe" {
	if (!vars.STRIPE_SECRET_KEY?.trim()) return "emulator";
	return vars.STRIPE_API_BASE?.trim() ? "api-base" : "stripe";
}

/** Only ever used against the local emulator. */
export const EMULATOR_WEBHOOK_SECRET = "whsec_local_emulator_signing_secret";
