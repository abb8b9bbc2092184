import { type ResendError, resendError } from "./resend-errors.ts";
import type { NewMessage } from "./store.ts";

/** Resend takes at most 50 recipients in `to`. */
const MAX_RECIPIENTS = 50;
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;
const NAMED_ADDRESS = /^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/;

const missing = (field: string) =>
	resendError(422, "missing_required_field", `Missing \`${field}\` field.`);
const invalidAddress = (field: string) =>
	resendError(
		422,
		"validation_error",
		`Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
	);
const invalidType = (field: string, type: string) =>
	resendError(422, "validation_error", `Invalid \`${field}\` field: expected ${type}.`);

/** An address as Resend accepts it: `email@example.com` or `Name <email@example.com>`. */
export function isMailbox(value: string): boolean {
	const trimmed = value.trim();
	return ADDRESS.test(trimmed) || NAMED_ADDRESS.test(trimmed);
}

/** One address or a list of them, as Resend's `to` and `reply_to` take; null when absent. */
function addresses(value: unknown): string[] | null | "invalid" {
	if (value === undefined || value === null) return null;
	const list = typeof value === "string" ? [value] : value;
	if (!Array.isArray(list) || !list.every((item) => typeof item === "string")) return "invalid";
	return list.map((item) => item.trim());
}

/**
 * Validates a `POST /emails` body as Resend does for the fields the shop
 * sends (`from`, `to`, `subject`, `html`, `text`, and `reply_to`); other
 * fields are accepted and ignored.
 */
export function parseEmailInput(body: unknown): { email: NewMessage } | { error: ResendError } {
	if (typeof body !== "object" || body === null || Array.isArray(body))
		return { error: resendError(422, "validation_error", "The body must be a JSON object.") };
	const fields = body as Record<string, unknown>;

	if (fields.from === undefined || fields.from === "") return { error: missing("from") };
	if (typeof fields.from !== "string" || !isMailbox(fields.from))
		return { error: invalidAddress("from") };

	const to = addresses(fields.to);
	if (to === null || (Array.isArray(to) && to.length === 0)) return { error: missing("to") };
	if (to === "invalid" || !to.every(isMailbox)) return { error: invalidAddress("to") };
	if (to.length > MAX_RECIPIENTS)
		return {
			error: resendError(422, "validation_error", "Too many recipients in `to` (at most 50)."),
		};

	if (fields.subject === undefined) return { error: missing("subject") };
	if (typeof fields.subject !== "string") return { error: invalidType("subject", "a string") };

	for (const field of ["html", "text"] as const) {
		const value = fields[field];
		if (value !== undefined && value !== null && typeof value !== "string")
			return { error: invalidType(field, "a string") };
	}
	const html = typeof fields.html === "string" ? fields.html : null;
	const text = typeof fields.text === "string" ? fields.text : null;
	if (html === null && text === null) return { error: missing("html` or `text") };

	const replyTo = addresses(fields.reply_to);
	if (replyTo === "invalid" || (replyTo && !replyTo.every(isMailbox)))
		return { error: invalidAddress("reply_to") };

	return {
		email: {
			from: fields.from.trim(),
			to,
			subject: fields.subject,
			html,
			text,
			replyTo: replyTo ?? [],
		},
	};
}
