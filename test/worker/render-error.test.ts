import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/lib/errors.ts";
import { createLogger } from "../../src/lib/log.ts";
import type { AppEnv } from "../../src/routes/app-env.ts";
import { renderError } from "../../src/routes/render-error.ts";

/** A tiny app with the worker's error handler, and routes that fail each way. */
const app = new Hono<AppEnv>()
	.use(async (c, next) => {
		c.set("log", createLogger({ test: true }));
		await next();
	})
	.get("/http-401", () => {
		throw new HTTPException(401, { message: "Bearer token required." });
	})
	.get("/app-409", () => {
		throw new AppError("request_in_progress", "In progress.", {}, 1);
	})
	.get("/boom", () => {
		throw new Error("SELECT secret FROM internals");
	})
	.onError(renderError);

describe("the one error model", () => {
	it("keeps an HTTPException's status (a 401 from Hono middleware is not a 500), in our JSON shape", async () => {
		const res = await app.request("/http-401");
		expect(res.status).toBe(401);
		expect(await res.json()).toEqual({
			error: { code: "unauthorized", message: "Bearer token required." },
		});
	});

	it("renders our errors with their code and headers", async () => {
		const res = await app.request("/app-409");
		expect([res.status, res.headers.get("retry-after")]).toEqual([409, "1"]);
		expect(await res.json()).toMatchObject({ error: { code: "request_in_progress" } });
	});

	it("says nothing internal about an unexpected error", async () => {
		const res = await app.request("/boom");
		expect(res.status).toBe(500);
		expect(JSON.stringify(await res.json())).not.toContain("SELECT");
	});
});
