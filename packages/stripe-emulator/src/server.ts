import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { API_ROUTES, type Endpoint, handleApi } from "./api/api.ts";
import type { HttpAnswer } from "./api/http-io.ts";
import type { ApiHandler } from "./api/types.ts";
import { showPayPage, submitPayPage } from "./checkout/pay-page.ts";
import { expireDueSessions } from "./checkout/session-expiry.ts";
import { CONTROL_ROUTES, handleControl } from "./control/control.ts";
import { FaultInjector } from "./control/faults.ts";
import type { ControlHandler } from "./control/types.ts";
import { type PromotionCodeSeed, seedPromotionCodes } from "./discounts/seed.ts";
import { INVOICE_PAGE_ROUTES } from "./invoices/invoice-page.ts";
import { showReceipt } from "./payments/receipt-page.ts";
import { PORTAL_PAGE_ROUTES } from "./portal/page-routes.ts";
import { createContext, type EmulatorContext } from "./state/context.ts";
import { newWebhookSecret } from "./state/ids.ts";
import { loadState, persistState } from "./state/persistence.ts";
import { STRIPE_JS_ROUTES } from "./stripe-js/routes.ts";

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
	/** Promotion codes (and their coupons) to create at start and after a reset, e.g. `DEMO_PROMOTION_CODES`. */
	promotionCodes?: readonly PromotionCodeSeed[];
	/**
	 * What happens to a subscription when its invoice's 4th payment attempt fails: `cancel`
	 * (Stripe's default) or `unpaid`. The control API changes it (`POST /_emulator/billing`).
	 */
	afterRetries?: "cancel" | "unpaid";
};

export { DEMO_PROMOTION_CODES, describeSeed, type PromotionCodeSeed } from "./discounts/seed.ts";

export type Emulator = { url: string; port: number; webhookSecret: string; close(): Promise<void> };

/** Starts the Stripe emulator: the `/v1` API subset, the hosted pages, webhooks and the control API. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const host = options.host ?? "127.0.0.1";
	const webhookSecret = options.webhookSecret ?? newWebhookSecret();
	const ctx = createContext({
		webhookUrl: options.webhookUrl ?? null,
		webhookEvents: options.webhookEvents ?? null,
		webhookSecret,
		retryBaseMs: options.retryBaseMs ?? 1000,
		delayedMs: options.delayedPaymentMs ?? 2000,
		promotionCodeSeeds: options.promotionCodes ?? [],
		afterRetries: options.afterRetries,
		log: options.log ?? (() => {}),
	});
	if (options.statePath) loadState(ctx.state, options.statePath);
	seedPromotionCodes(ctx.state, ctx.promotionCodeSeeds, ctx.clock.now());
	const persisted = options.statePath ? persistState(ctx.state, options.statePath) : null;
	const faults = new FaultInjector();
	const server = serve({
		fetch: emulatorApp(ctx, faults).fetch,
		port: options.port ?? 12111,
		hostname: host,
	}) as Server;
	await listening(server);
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

/** The emulator's routes: the control API, the hosted page, Stripe.js, the Billing Portal, Stripe's `/v1`, all on Hono. */
function emulatorApp(ctx: EmulatorContext, faults: FaultInjector): Hono {
	const app = new Hono();
	app.use(
		bodyLimit({
			maxSize: 1024 * 1024,
			onError: (c) =>
				c.json(
					{ error: { type: "invalid_request_error", message: "Request body too large." } },
					413,
				),
		}),
	);
	// Touching anything expires what is due, so a test never sees a stale open session.
	app.use(async (_c, next) => {
		expireDueSessions(ctx);
		await next();
	});
	const control = async (c: Context, endpoint: Endpoint<ControlHandler> | null) =>
		toResponse(
			await handleControl(
				ctx,
				faults,
				c.req.method,
				new URL(c.req.url),
				await c.req.text(),
				endpoint,
			),
		);
	for (const route of CONTROL_ROUTES) {
		app.on(route.method, route.pattern, (c) =>
			control(c, { handler: route.handler, pathParams: c.req.param() }),
		);
	}
	app.all("/_emulator/*", (c) => control(c, null));
	app.get("/pay/:id", (c) => toResponse(showPayPage(ctx, c.req.param("id"))));
	app.get("/receipts/:id", (c) => toResponse(showReceipt(ctx, c.req.param("id"))));
	app.post("/pay/:id", async (c) =>
		toResponse(submitPayPage(ctx, c.req.param("id"), await c.req.text())),
	);
	// The Stripe.js stand-in (its scripts, the Payment Element's frame, the SDK's endpoints),
	// the Billing Portal's pages and the hosted invoice page.
	for (const route of [...STRIPE_JS_ROUTES, ...PORTAL_PAGE_ROUTES, ...INVOICE_PAGE_ROUTES]) {
		app.on(route.method, route.pattern, async (c) =>
			toResponse(
				route.handler({
					ctx,
					pathParams: c.req.param(),
					query: new URL(c.req.url).searchParams,
					rawBody: route.method === "POST" ? await c.req.text() : "",
				}),
			),
		);
	}
	const api = async (c: Context, endpoint: Endpoint<ApiHandler> | null) =>
		toResponse(
			await handleApi(ctx, faults, {
				method: c.req.method,
				url: new URL(c.req.url),
				rawBody: await c.req.text(),
				authorization: c.req.header("authorization") ?? null,
				idempotencyKey: c.req.header("idempotency-key") ?? null,
				stripeVersion: c.req.header("stripe-version") ?? null,
				contentType: c.req.header("content-type") ?? null,
				endpoint,
			}),
		);
	for (const route of API_ROUTES) {
		app.on(route.method, route.pattern, (c) =>
			api(c, { handler: route.handler, pathParams: c.req.param() }),
		);
	}
	// Anything else under /v1 still goes through auth and the request log, as on Stripe.
	app.all("/v1/*", (c) => api(c, null));
	app.get("/", (c) =>
		c.json({
			emulator: "stripe",
			api: "/v1",
			control: "/_emulator",
			checkout: "/pay/:id",
			billingPortal: "/p/session/:id",
			hostedInvoice: "/i/:id",
			stripeJs: "/js/stripe.js",
		}),
	);
	// The browser's request for an icon: nothing to show, and no 404 in its console.
	app.get("/favicon.ico", (c) => c.body(null, 204));
	app.notFound((c) =>
		c.json({ error: { type: "invalid_request_error", message: `Not found: ${c.req.path}` } }, 404),
	);
	app.onError((error, c) => {
		ctx.log(`emulator bug: ${error.stack ?? error.message}`);
		return c.json({ error: { type: "api_error", message: "Emulator failure." } }, 500);
	});
	return app;
}

function toResponse(answer: HttpAnswer): Response {
	return new Response(answer.body === "" ? null : answer.body, {
		status: answer.status,
		headers: answer.headers,
	});
}

function listening(server: Server): Promise<void> {
	return new Promise((resolve, reject) => {
		if (server.listening) return resolve();
		server.once("error", reject);
		server.once("listening", () => {
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
