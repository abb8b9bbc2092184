import { existsSync, readFileSync } from "node:fs";

/** Reads `.dev.vars` (KEY=value lines, optional quotes, # comments) the way wrangler does, enough for our needs. */
export function readDevVars(path = ".dev.vars"): Record<string, string> {
	if (!existsSync(path)) return {};
	const vars: Record<string, string> = {};
	for (const raw of readFileSync(path, "utf8").split(/\r?\n/)) {
		const line = raw.trim();
		if (!line || line.startsWith("#")) continue;
		const eq = line.indexOf("=");
		if (eq < 1) continue;
		const key = line.slice(0, eq).trim();
		let value = line.slice(eq + 1).trim();
		if (
			(value.startsWith('"') && value.endsWith('"')) ||
			(value.startsWith("'") && value.endsWith("'"))
		)
			value = value.slice(1, -1);
		vars[key] = value;
	}
	return vars;
}

/** A real Stripe key (not the emulator's) with no API override: talk to Stripe itself. */
export function usesRealStripe(vars: Record<string, string | undefined>): boolean {
	const key = vars.STRIPE_SECRET_KEY?.trim() ?? "";
	return (
		/^(sk|rk)_(test|live)_/.test(key) &&
		key !== EMULATOR_SECRET_KEY &&
		!vars.STRIPE_API_BASE?.trim()
	);
}

export const EMULATOR_SECRET_KEY = "sk_test_emulator";
/** Only ever used against the local emulator. */
export const EMULATOR_WEBHOOK_SECRET = "whsec_local_emulator_signing_secret";
