import { startEmulator } from "stripe-emulator";
import type { TestProject } from "vitest/node";

declare module "vitest" {
	interface ProvidedContext {
		stripeApiBase: string;
	}
}

/** One Stripe emulator for the worker tests; the worker reaches it through STRIPE_API_BASE. */
export default async function setup(project: TestProject) {
	const emulator = await startEmulator({ port: 0 });
	project.provide("stripeApiBase", emulator.url);
	return () => emulator.close();
}
