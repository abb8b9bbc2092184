import type { EmailConfig } from "../../config.ts";
import { type Sender, senderHeader } from "../../lib/email-address.ts";
import type { Logger } from "../../lib/log.ts";

/** One e-mail as a provider takes it. `idempotencyKey` makes a repeated send one e-mail. */
export type OutgoingEmail = {
	idempotencyKey: string;
	/** The shop's name and EMAIL_FROM's address. */
	from: Sender;
	/** Where a reply goes (the shop's contact e-mail); null: to the sender. */
	replyTo: string | null;
	to: string;
	subject: string;
	html: string;
	text: string;
	/** For the log provider's line. */
	kind: string;
};

/** Why a send failed; `temporary` ones (network, 429, 5xx) are worth trying again. */
export class EmailSendError extends Error {
	readonly temporary: boolean;

	constructor(message: string, temporary: boolean) {
		super(message);
		this.name = "EmailSendError";
		this.temporary = temporary;
	}
}

/** Sends one e-mail; answers the provider's message id or throws an `EmailSendError`. */
export type EmailProvider = (email: OutgoingEmail) => Promise<string | null>;

const SEND_TIMEOUT_MS = 10_000;

/** The shop's sender (EMAIL_FROM) and its provider. */
export type Mailer = { from: string; send: EmailProvider };

/**
 * The mailer EMAIL_PROVIDER names: Resend's HTTP API, the Email Service
 * binding (`binding`, declared by the owner), or the log.
 */
export function createMailer(
	config: EmailConfig,
	binding: SendEmail | undefined,
	log: Logger,
): Mailer {
	return { from: config.from ?? "shop@localhost", send: emailProvider(config, binding, log) };
}

function emailProvider(
	config: EmailConfig,
	binding: SendEmail | undefined,
	log: Logger,
): EmailProvider {
	switch (config.provider) {
		case "log":
			return async (email) => {
				log.info("e-mail (EMAIL_PROVIDER=log: kept in the outbox, not sent)", {
					kind: email.kind,
					to: email.to,
					subject: email.subject,
				});
				return null;
			};
		case "resend":
			return (email) => sendWithResend(config, email);
		case "cloudflare":
			return async (email) => {
				if (!binding)
					throw new EmailSendError(
						"EMAIL_PROVIDER=cloudflare needs the EMAIL send_email binding",
						false,
					);
				try {
					const sent = await binding.send({
						from: email.from.name ? email.from : email.from.email,
						...(email.replyTo && { replyTo: email.replyTo }),
						to: email.to,
						subject: email.subject,
						html: email.html,
						text: email.text,
						headers: { "X-Entity-Ref-ID": email.idempotencyKey },
					});
					return sent.messageId;
				} catch (err) {
					throw new EmailSendError(`Email Service: ${(err as Error).message}`, true);
				}
			};
	}
}

/**
 * `POST <EMAIL_API_BASE>/emails` as Resend documents it, with the e-mail's id
 * as `Idempotency-Key` (Queues deliver at least once: a second delivery of the
 * same message is the same e-mail at Resend).
 */
async function sendWithResend(
	config: Extract<EmailConfig, { provider: "resend" }>,
	email: OutgoingEmail,
): Promise<string | null> {
	let res: Response;
	try {
		res = await fetch(new URL("/emails", config.apiBase), {
			method: "POST",
			headers: {
				Authorization: `Bearer ${config.apiKey}`,
				"Content-Type": "application/json",
				"Idempotency-Key": email.idempotencyKey,
			},
			body: JSON.stringify({
				from: senderHeader(email.from),
				...(email.replyTo && { reply_to: email.replyTo }),
				to: [email.to],
				subject: email.subject,
				html: email.html,
				text: email.text,
			}),
			signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
		});
	} catch (err) {
		throw new EmailSendError(`Resend unreachable: ${(err as Error).message}`, true);
	}
	const body = (await res.json().catch(() => null)) as {
		id?: unknown;
		message?: unknown;
		name?: unknown;
	} | null;
	if (res.ok) return typeof body?.id === "string" ? body.id : null;
	const why = typeof body?.message === "string" ? body.message : res.statusText;
	// Another delivery of the same e-mail is in flight at Resend: "safe to retry", its answer will tell.
	if (res.status === 409 && body?.name === "concurrent_idempotent_requests")
		throw new EmailSendError(`Resend answered 409: ${why}`.slice(0, 300), true);
	// This key was already sent (an earlier try whose answer we lost; the order has changed since,
	// so today's rendering differs): the e-mail went out, under its first content.
	if (res.status === 409 && body?.name === "invalid_idempotent_request") return null;
	throw new EmailSendError(
		`Resend answered ${res.status}: ${why}`.slice(0, 300),
		res.status === 429 || res.status >= 500,
	);
}
