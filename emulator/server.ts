import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { handleApi } from "./api.ts";
import { createContext, type EmulatorContext } from "./context.ts";
import { handleControl } from "./control.ts";
import { FaultInjector } from "./faults.ts";
import { type HttpAnswer, header, jsonAnswer, readBody, send } from "./http-io.ts";
import { newWebhookSecret } from "./ids.ts";
import { showPayPage, submitPayPage } from "./pay-page.ts";
import { loadState, persistState } from "./persistence.ts";
import { expireDueSessions } from "./session-expiry.ts";

export type EmulatorOptions = {
	/** 0 = a random free port; default 12111. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Where to POST signed events (like `stripe listen --forward-to`); none = keep events queued only. */
	webhookUrl?: string;
	/** Event types forwarded to `webhookUrl` (like `stripe listen --events`); default: every type. */
	webhookEvents?: readonly string[];
	/** Default: a random `whsec_…` string. */
	webhookSecret?: string;
	/** Webhook retry backoff base: retries wait base × 2^n (default 1000). */
	retryBaseMs?: number;
	/** Default: no logging. */
	log?: (line: string) => void;
	/** Origin put in session `url`s when the emulator is reached through another address (a phone on the LAN). */
	publicUrl?: string;
	/** A JSON file that keeps Stripe's objects across restarts (loaded at start, written as they change). */
	statePath?: string;
	/** How long a bank debit takes to settle (default 2000). */
	delayedPaymentMs?: number;
};

export type Emulator = { url: string; port: number; webhookSecret: string; close(): Promise<void> };

/** Starts the Stripe emulator: the `/v1` API subset, the hosted page, webhooks and the control API. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const host = options.host ?? "127.0.0.1";
	const webhookSecret = options.webhookSecret ?? newWebhookSecret();
	const ctx = createContext({
		webhookUrl: options.webhookUrl ?? null,
		webhookEvents: options.webhookEvents ?? null,
		webhookSecret,
		retryBaseMs: options.retryBaseMs ?? 1000,
		delayedMs: options.delayedPaymentMs ?? 2000,
		log: options.log ?? (() => {}),
	});
	if (options.statePath) loadState(ctx.state, options.statePath);
	const persisted = options.statePath ? persistState(ctx.state, options.statePath) : null;
	const faults = new FaultInjector();
	const server = createServer((request, response) => {
		answer(ctx, faults, request).then(
			(result) => send(response, result),
			(error: unknown) => {
				ctx.log(
					`emulator bug: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
				);
				send(
					response,
					jsonAnswer(500, { error: { type: "api_error", message: "Emulator failure." } }),
				);
			},
		);
	});
	await listen(server, options.port ?? 12111, host);
	const { port } = server.address() as AddressInfo;
	const url = options.publicUrl?.replace(/\/$/, "") ?? `http://${browsableHost(host)}:${port}`;
	ctx.origin = url;
	// Sessions also expire in real time, with nothing touching them, as on Stripe.
	const sweeper = setInterval(() => expireDueSessions(ctx), 1000);
	sweeper.unref();
	return {
		url,
		port,
		webhookSecret,
		close: async () => {
			clearInterval(sweeper);
			persisted?.stop();
			ctx.webhooks.close();
			ctx.delayed.clear();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}

async function answer(
	ctx: EmulatorContext,
	faults: FaultInjector,
	request: IncomingMessage,
): Promise<HttpAnswer> {
	const url = new URL(request.url ?? "/", "http://emulator.invalid");
	const method = request.method ?? "GET";
	let rawBody: string;
	try {
		rawBody = await readBody(request);
	} catch {
		return jsonAnswer(413, {
			error: { type: "invalid_request_error", message: "Request body too large." },
		});
	}
	// Touching anything expires what is due, so a test never sees a stale open session.
	expireDueSessions(ctx);
	if (url.pathname.startsWith("/_emulator/"))
		return handleControl(ctx, faults, method, url, rawBody);
	const pay = /^\/pay\/([^/]+)\/?$/.exec(url.pathname);
	if (pay) {
		const sessionId = decodeURIComponent(pay[1] ?? "");
		if (method === "POST") return submitPayPage(ctx, sessionId, rawBody);
		return showPayPage(ctx, sessionId);
	}
	if (url.pathname.startsWith("/v1/")) {
		return handleApi(ctx, faults, {
			method,
			url,
			rawBody,
			authorization: header(request, "authorization"),
			idempotencyKey: header(request, "idempotency-key"),
			stripeVersion: header(request, "stripe-version"),
			contentType: header(request, "content-type"),
		});
	}
	if (url.pathname === "/") {
		return jsonAnswer(200, {
			emulator: "stripe",
			api: "/v1",
			control: "/_emulator",
			checkout: "/pay/:id",
		});
	}
	return jsonAnswer(404, {
		error: { type: "invalid_request_error", message: `Not found: ${url.pathname}` },
	});
}

function listen(server: Server, port: number, host: string): Promise<void> {
	return new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, host, () => {
			server.off("error", reject);
			resolve();
		});
	});
}

// A wildcard bind address is not something a browser can open.
function browsableHost(host: string): string {
	if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
	return host.includes(":") ? `[${host}]` : host;
}
