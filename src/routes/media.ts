import { Hono } from "hono";
import type { AppEnv } from "./app-env.ts";

/**
 * `/media/<key>`: a picture the owner uploaded, from R2 (`MEDIA`). Its key holds
 * a hash of its bytes, so an answer never changes: cached for good. Only the
 * types uploads are checked to be (JPEG, PNG, WebP) are ever stored here.
 */
export const mediaRoutes = new Hono<AppEnv>().get("/*", async (c) => {
	const key = decodeURIComponent(new URL(c.req.url).pathname.slice("/media/".length));
	if (!/^(products\/[a-z0-9-]{1,64}|shop)\/[0-9a-f]{32}\.(jpg|png|webp)$/.test(key))
		return c.notFound();
	const object = await c.env.MEDIA.get(key);
	if (!object) return c.notFound();
	const headers = new Headers();
	object.writeHttpMetadata(headers);
	headers.set("ETag", object.httpEtag);
	headers.set("Cache-Control", "public, max-age=31536000, immutable");
	return new Response(object.body, { headers });
});
