import type { IncomingMessage, ServerResponse } from "node:http";

/** A whole HTTP answer, built before anything is written. */
export type HttpAnswer = { status: number; headers: Record<string, string>; body: string };

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a request body as text (UTF-8), refusing bodies over 1 MiB. */
export async function readBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
		size += buffer.length;
		if (size > MAX_BODY_BYTES) throw new Error("Request body too large");
		chunks.push(buffer);
	}
	return Buffer.concat(chunks).toString("utf8");
}

/** Writes an answer. */
export function send(response: ServerResponse, answer: HttpAnswer): void {
	response.writeHead(answer.status, {
		...answer.headers,
		"content-length": String(Buffer.byteLength(answer.body)),
	});
	response.end(answer.body);
}

/** A JSON answer; Stripe pretty-prints its JSON with two spaces. */
export function jsonAnswer(
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): HttpAnswer {
	return {
		status,
		headers: { "content-type": "application/json; charset=utf-8", ...headers },
		body: JSON.stringify(body, null, 2),
	};
}

/** An HTML answer for the hosted page. */
export function htmlAnswer(
	status: number,
	html: string,
	headers: Record<string, string> = {},
): HttpAnswer {
	return {
		status,
		headers: {
			"content-type": "text/html; charset=utf-8",
			"cache-control": "no-store",
			// The page loads nothing from anywhere; only its inline styles are needed.
			"content-security-policy":
				"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'",
			"x-content-type-options": "nosniff",
			"referrer-policy": "no-referrer",
			...headers,
		},
		body: html,
	};
}

/** A redirect after a form post. */
export function redirectAnswer(location: string): HttpAnswer {
	return { status: 303, headers: { location, "cache-control": "no-store" }, body: "" };
}

/** The first value of a request header. */
export function header(request: IncomingMessage, name: string): string | null {
	const value = request.headers[name.toLowerCase()];
	if (Array.isArray(value)) return value[0] ?? null;
	return value ?? null;
}
