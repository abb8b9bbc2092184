import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { messagesApi } from "./messages-api.ts";
import { pages } from "./pages.ts";
import { resendApi } from "./resend-api.ts";
import { resendError } from "./resend-errors.ts";
import { MailStore } from "./store.ts";

export type { MailMessage, MessageFilter } from "./message.ts";

/** The key the mailbox accepts unless told otherwise: shaped like a Resend key, useless anywhere else. */
export const LOCAL_MAILBOX_API_KEY = "re_local_mailbox";
export const DEFAULT_MAILBOX_PORT = 12112;

export type MailboxOptions = {
	/** 0 = a random free port; default 12112. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** The `Authorization: Bearer` key `POST /emails` requires; default `re_local_mailbox`. */
	apiKey?: string;
	/** Called with one line per message received; default: no logging. */
	log?: (line: string) => void;
	/** A JSON file that keeps the messages across restarts (loaded at start, rewritten on each change). */
	statePath?: string;
};

export type Mailbox = { url: string; port: number; apiKey: string; close(): Promise<void> };

/** Starts the local mailbox: Resend's `POST /emails`, the browser pages and the JSON API for tests. */
export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
	const host = options.host ?? "127.0.0.1";
	const apiKey = options.apiKey ?? LOCAL_MAILBOX_API_KEY;
	const store = new MailStore(options.statePath ?? null);
	const app = mailboxApp(store, apiKey, options.log ?? (() => {}));
	const server = serve({
		fetch: app.fetch,
		port: options.port ?? DEFAULT_MAILBOX_PORT,
		hostname: host,
	}) as Server;
	await listening(server);
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://${browsableHost(host)}:${port}`,
		port,
		apiKey,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** The mailbox's routes, each part a Hono sub-app of its own. */
export function mailboxApp(store: MailStore, apiKey: string, log: (line: string) => void): Hono {
	const app = new Hono();
	app.use(
		bodyLimit({
			// Resend's limit for a whole email, attachments included.
			maxSize: 40 * 1024 * 1024,
			onError: (c) =>
				c.json(resendError(413, "validation_error", "The request body is too large."), 413),
		}),
	);
	app.route("/", resendApi({ store, apiKey, log }));
	app.route("/api/messages", messagesApi(store));
	app.route("/", pages(store));
	app.notFound((c) =>
		c.json(
			resendError(404, "not_found", `The requested endpoint does not exist: ${c.req.path}`),
			404,
		),
	);
	app.onError((error, c) => {
		log(`mailbox bug: ${error.stack ?? error.message}`);
		return c.json(resendError(500, "application_error", "The mailbox failed."), 500);
	});
	return app;
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
