import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const NO_CHROMIUM_MESSAGE =
	"No Chromium found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** Flags that work as root in a container (without the background-networking flags Chromium keeps dialling out, which fails offline). */
const ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
];

/** `CHROMIUM_PATH`, else Debian's Chromium; throws (never skips) when there is none. */
export function chromiumPath(): string {
	const fromEnv = process.env.CHROMIUM_PATH?.trim();
	if (fromEnv) {
		if (!existsSync(fromEnv))
			throw new Error(`${NO_CHROMIUM_MESSAGE} (CHROMIUM_PATH=${fromEnv} does not exist)`);
		return fromEnv;
	}
	const found = CANDIDATES.find((path) => existsSync(path));
	if (!found) throw new Error(NO_CHROMIUM_MESSAGE);
	return found;
}

/**
 * Headless Chromium. Playwright gives the browser a fresh temporary
 * `--user-data-dir` and deletes it on close; each journey then takes its own
 * context (own storage, own cookies).
 */
export function launchChromium(): Promise<Browser> {
	return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ARGS });
}
