import { Hono } from "hono";
import type { MessageFilter } from "./message.ts";
import type { MailStore } from "./store.ts";

/**
 * The JSON API for tests: `GET /api/messages?to=&subject=` (newest first),
 * `GET /api/messages/:id` and `DELETE /api/messages`. No key: like the
 * emulator's control API, it is for this machine only (and a browser on
 * another origin cannot DELETE without a CORS preflight that it refuses).
 */
export function messagesApi(store: MailStore): Hono {
	const app = new Hono();
	app.get("/", (c) => {
		const filter: MessageFilter = {};
		const to = c.req.query("to");
		const subject = c.req.query("subject");
		if (to) filter.to = to;
		if (subject) filter.subject = subject;
		return c.json({ messages: store.list(filter) });
	});
	app.get("/:id", (c) => {
		const message = store.get(c.req.param("id"));
		return message
			? c.json({ message })
			: c.json({ error: { code: "not_found", message: "No such message." } }, 404);
	});
	app.delete("/", (c) => c.json({ deleted: store.clear() }));
	return app;
}
