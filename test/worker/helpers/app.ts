import { env } from "cloudflare:workers";
import { app } from "../../../src/index.ts";

/**
 * Calls the app with changed bindings (a missing secret, rate limiting on...),
 * which the worker's own `fetch` cannot vary per test.
 */
export async function fetchWithEnv(
	request: Request,
	overrides: Partial<Cloudflare.Env> & Record<string, unknown>,
): Promise<Response> {
	const waits: Promise<unknown>[] = [];
	const ctx = {
		waitUntil: (p: Promise<unknown>) => waits.push(p),
		passThroughOnException: () => {},
		props: {},
	};
	const res = await app.fetch(
		request,
		{ ...env, ...overrides },
		ctx as unknown as ExecutionContext,
	);
	await Promise.allSettled(waits);
	return res;
}
