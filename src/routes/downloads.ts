import { Hono } from "hono";
import { AppError } from "../lib/errors.ts";
import { errorPage } from "../pages/serve.ts";
import { openDownload } from "../services/orders/delivery.ts";
import type { AppEnv } from "./app-env.ts";
import { statusOf } from "./error-status.ts";

/**
 * `GET /downloads/<token>`: the file a paid order's line bought, from R2, as an
 * attachment. The bucket and its keys never show: the token is all a link
 * holds. A browser refused a file reads why on the shop's page, in its language.
 */
export const downloadRoutes = new Hono<AppEnv>().get("/:token", async (c) => {
	// A HEAD (a mail client checking the link) does not count as a download.
	const head = c.req.method === "HEAD";
	try {
		const { file, object } = await openDownload(
			c.var.deps,
			c.env.MEDIA,
			c.req.param("token"),
			!head,
		);
		const ascii = file.name.replace(/[^\x20-\x7e]|["\\]/g, "_");
		return new Response(head ? null : (object as R2ObjectBody).body, {
			headers: {
				"Content-Type": file.type,
				"Content-Length": String(object.size),
				"Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
				"Cache-Control": "private, no-store",
				"X-Robots-Tag": "noindex",
			},
		});
	} catch (err) {
		if (err instanceof AppError && c.req.header("Accept")?.includes("text/html"))
			// Its language switch asks the same link again: the explanation in the other language.
			return errorPage(c, statusOf(err), err.code, "download.heading", new URL(c.req.url));
		throw err;
	}
});
