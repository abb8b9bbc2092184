import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { parseEmailInput } from "./email-input.ts";
import type { MailMessage } from "./message.ts";
import {
	EMAIL_NOT_FOUND,
	IDEMPOTENCY_CONFLICT,
	INVALID_API_KEY,
	INVALID_IDEMPOTENCY_KEY,
	MISSING_API_KEY,
	type ResendError,
	resendError,
} from "./resend-errors.ts";
import type { MailStore } from "./store.ts";

export type ResendApiDeps = { store: MailStore; apiKey: string; log: (line: string) => void };

const fail = (error: ResendError) => Response.json(error, { status: error.statusCode });

/** `Authorization: Bearer <key>`, answered as Resend does when it is missing or wrong. */
function bearerAuth(apiKey: string) {
	return createMiddleware(async (c, next) => {
		const header = c.req.header("authorization")?.trim() ?? "";
		const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
		if (!header) return fail(MISSING_API_KEY);
		if (token !== apiKey) return fail(INVALID_API_KEY);
		await next();
	});
}

/** The part of Resend's API the shop uses: `POST /emails` (with idempotency keys) and `GET /emails/:id`. */
export function resendApi({ store, apiKey, log }: ResendApiDeps): Hono {
	const app = new Hono();
	app.use("/emails", bearerAuth(apiKey));
	app.use("/emails/*", bearerAuth(apiKey));

	app.post("/emails", async (c) => {
		const key = c.req.header("idempotency-key");
		if (key !== undefined && (key.length < 1 || key.length > 256))
			return fail(INVALID_IDEMPOTENCY_KEY);
		let body: unknown;
		try {
			body = await c.req.json();
		} catch {
			return fail(resendError(400, "validation_error", "The body is not valid JSON."));
		}
		const parsed = parseEmailInput(body);
		if ("error" in parsed) return fail(parsed.error);
		const accepted = store.accept(parsed.email, key ?? null);
		if (accepted.kind === "conflict") return fail(IDEMPOTENCY_CONFLICT);
		const { message } = accepted;
		if (accepted.kind === "created")
			log(`${message.id} to ${message.to.join(", ")}: ${message.subject}`);
		return c.json({ id: message.id });
	});

	app.get("/emails/:id", (c) => {
		const message = store.get(c.req.param("id"));
		return message ? c.json(retrievedEmail(message)) : fail(EMAIL_NOT_FOUND);
	});
	return app;
}

/** A message in the shape of Resend's "Retrieve Email" answer. */
function retrievedEmail(message: MailMessage) {
	return {
		object: "email",
		id: message.id,
		from: message.from,
		to: message.to,
		subject: message.subject,
		html: message.html,
		text: message.text,
		cc: null,
		bcc: null,
		reply_to: message.replyTo.length > 0 ? message.replyTo : null,
		created_at: message.receivedAt,
		last_event: "delivered",
	};
}
