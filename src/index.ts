import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { configOf } from "./config.ts";
import { buildDeps } from "./deps.ts";
import type { Bindings } from "./env.ts";
import { errorBody } from "./lib/errors.ts";
import { createLogger } from "./lib/log.ts";
import { notFoundPage } from "./pages/serve.ts";
import { accountRoutes } from "./routes/account.ts";
import { adminRoutes } from "./routes/admin.ts";
import type { AppEnv } from "./routes/app-env.ts";
import { catalogRoutes } from "./routes/catalog.ts";
import { checkoutRoutes } from "./routes/checkout.ts";
import { configRoutes } from "./routes/config.ts";
import { downloadRoutes } from "./routes/downloads.ts";
import { healthRoutes } from "./routes/health.ts";
import { infoPageRoutes } from "./routes/info-pages.ts";
import { mediaRoutes } from "./routes/media.ts";
import { orderRoutes } from "./routes/orders.ts";
import { pageRoutes } from "./routes/pages.ts";
import { renderError } from "./routes/render-error.ts";
import { securityHeaders } from "./routes/security-headers.ts";
import { shopRoutes } from "./routes/shop.ts";
import { themeRoutes } from "./routes/theme.ts";
import { webhookRoutes } from "./routes/webhook.ts";
import { type EmailMessage, runEmailQueue, runScheduled } from "./scheduled.ts";

export const app = new Hono<AppEnv>();

app.use(requestId({ headerName: "X-Request-Id" }));
app.use(async (c, next) => {
	const log = createLogger({ requestId: c.var.requestId });
	c.set("log", log);
	c.set("config", configOf(c.env));
	c.set(
		"deps",
		buildDeps(c.env, { waitUntil: (promise) => c.executionCtx.waitUntil(promise) }, log),
	);
	await next();
});
app.use((c, next) =>
	securityHeaders(c.var.config.stripeApiOrigin, () => c.var.config.stripeJsUrl)(c, next),
);

app.route("/", healthRoutes);
app.route("/api/products", catalogRoutes);
app.route("/api/config", configRoutes);
app.route("/api/shop", shopRoutes);
app.route("/api/orders", orderRoutes);
app.route("/api/account", accountRoutes);
app.route("/create-checkout-session", checkoutRoutes);
app.route("/webhook", webhookRoutes);
app.route("/admin", adminRoutes);
app.route("/", themeRoutes);
app.route("/media", mediaRoutes);
app.route("/downloads", downloadRoutes);
app.route("/pages", infoPageRoutes);
app.route("/", pageRoutes);

app.notFound((c) =>
	c.req.method === "GET" && c.req.header("Accept")?.includes("text/html")
		? notFoundPage(c)
		: c.json(errorBody("not_found", "No such route."), 404),
);

app.onError(renderError);

export default {
	fetch: app.fetch,
	scheduled: async (controller: ScheduledController, env: Bindings, ctx: ExecutionContext) => {
		await runScheduled(env, ctx, controller.scheduledTime);
	},
	queue: runEmailQueue,
} satisfies ExportedHandler<Bindings, EmailMessage>;
