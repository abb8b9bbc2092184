/** One email as the mailbox keeps it (and as `GET /api/messages` shows it). */
export type MailMessage = {
	/** `em_…`, the `id` that `POST /emails` answered. */
	id: string;
	from: string;
	to: string[];
	subject: string;
	html: string | null;
	text: string | null;
	/** `reply_to`, when the sender gave one. */
	replyTo: string[];
	/** ISO 8601, when the mailbox accepted it. */
	receivedAt: string;
	idempotencyKey: string | null;
};

/** What `GET /api/messages` and the client's `messages()` take: every given field must match. */
export type MessageFilter = {
	/** A recipient's address, case-insensitive (`Ana <ana@example.com>` matches `ana@example.com`). */
	to?: string;
	/** Part of the subject, case-insensitive. */
	subject?: string;
};

/** The bare address of `Name <address>` (or the address itself), lower-cased. */
export function bareAddress(mailbox: string): string {
	const angled = /<([^<>]+)>\s*$/.exec(mailbox);
	return (angled?.[1] ?? mailbox).trim().toLowerCase();
}

/** Whether `message` matches every field of `filter`. */
export function matches(message: MailMessage, filter: MessageFilter): boolean {
	if (filter.to && !message.to.some((to) => bareAddress(to) === bareAddress(filter.to ?? "")))
		return false;
	if (filter.subject && !message.subject.toLowerCase().includes(filter.subject.toLowerCase()))
		return false;
	return true;
}
