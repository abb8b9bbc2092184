import { type Mailbox, type MailboxOptions, startMailbox } from "../src/server.ts";

/** What the worker sends for one email (SPEC section 12), with the fields a test changes. */
export function shopEmail(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		from: "Bean & Leaf <orders@localhost>",
		to: ["ana@example.com"],
		subject: "Your order BL-1001",
		html: '<!doctype html><html lang="en"><head><title>Order</title></head><body><p>Thanks!</p></body></html>',
		text: "Thanks!",
		...overrides,
	};
}

export type Sent = { status: number; body: Record<string, unknown> };

/** POSTs `body` to the mailbox's `/emails` as the worker does (the mailbox's key unless `headers` says otherwise). */
export async function send(
	mailbox: Mailbox,
	body: unknown,
	headers: Record<string, string> = {},
): Promise<Sent> {
	const res = await fetch(`${mailbox.url}/emails`, {
		method: "POST",
		headers: {
			authorization: `Bearer ${mailbox.apiKey}`,
			"content-type": "application/json",
			...headers,
		},
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A mailbox on a random port, quiet unless told. */
export function startTestMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
	return startMailbox({ port: 0, ...options });
}
