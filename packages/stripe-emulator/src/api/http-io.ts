/** A whole HTTP answer, built before anything is written. */
export type HttpAnswer = { status: number; headers: Record<string, string>; body: string };

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
