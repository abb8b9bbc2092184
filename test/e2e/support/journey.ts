import type { Browser, BrowserContextOptions } from "playwright-core";
import { emulatorClient } from "stripe-emulator/client";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { launchChromium } from "./chromium.ts";
import { newShopper, type Shopper, saveScreenshot } from "./shopper.ts";
import { stack } from "./stack.ts";

/**
 * Hooks for a file of journeys: one Chromium per file, a fresh context per
 * journey (empty cart), and a screenshot of where a failed journey stopped.
 * Answers a getter for the current journey's shopper.
 */
export function useShopper(
	/** The shoppers' browser in this block: its language, JavaScript, colour scheme, screen. */
	options: BrowserContextOptions = {},
): () => Shopper {
	const { workerUrl } = stack();
	let browser: Browser | undefined;
	let launchError: unknown;
	let shopper: Shopper | undefined;

	beforeAll(async () => {
		try {
			browser = await launchChromium();
		} catch (error) {
			// Reported by every journey, so a missing browser counts as failed tests, never skipped ones.
			launchError = error;
		}
	});
	afterAll(async () => {
		await browser?.close();
	});
	beforeEach(async () => {
		if (!browser) throw launchError ?? new Error("Chromium did not start");
		shopper = await newShopper(browser, workerUrl, options);
	});
	afterEach(async (context) => {
		if (!shopper) return;
		if (context.task.result?.state === "fail") {
			const name = context.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
			await saveScreenshot(shopper.page, `failed-${name}`).catch(() => {});
		}
		await shopper.close();
		shopper = undefined;
	});

	return () => {
		if (!shopper) throw new Error("no shopper outside a journey");
		return shopper;
	};
}

/** Our pages logged no error, threw nothing, and broke no Content-Security-Policy rule. */
export function expectCleanPages(shopper: Shopper): void {
	expect(shopper.problemsOnOurPages()).toEqual([]);
}

/** The same, but for 409 answers the page expected and handled (sold out meanwhile, paid meanwhile). */
export function expectCleanPagesBut409(shopper: Shopper): void {
	expect(
		shopper
			.problemsOnOurPages()
			.filter((p) => !(p.kind === "console" && /status of 409/.test(p.text))),
	).toEqual([]);
}

type ApiOrder = { id: string; status: string; amount: number; subtotal: number; currency: string };

/** The order as the worker's plain read shows it (`GET /api/orders/:id`, no sync from Stripe). */
export async function orderFromApi(orderId: string): Promise<ApiOrder> {
	const response = await fetch(`${stack().workerUrl}/api/orders/${encodeURIComponent(orderId)}`);
	if (!response.ok) throw new Error(`GET /api/orders/${orderId}: HTTP ${response.status}`);
	return (await response.json()) as ApiOrder;
}

/** Waits (polling, never sleeping blindly) until the worker has recorded `status` for the order. */
export async function orderReaches(orderId: string, status: string): Promise<void> {
	await expect
		.poll(async () => (await orderFromApi(orderId)).status, { timeout: 15_000, interval: 100 })
		.toBe(status);
}

/**
 * Hooks for journeys that deliver Stripe's events by hand: each starts with
 * nothing on its way and every event held at the emulator; each ends with the
 * emulator's faults cleared and its deliveries back to normal.
 */
export function holdWebhooks(): void {
	const emulator = emulatorClient(stack().emulatorUrl);
	beforeEach(async () => {
		await emulator.drain();
		await emulator.setWebhooks({ mode: "drop" });
	});
	afterEach(async () => {
		await emulator.clearFaults();
		await emulator.setWebhooks({ mode: "normal" });
	});
}
