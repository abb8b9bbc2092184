import type { Config } from "../config.ts";
import type { Bindings } from "../env.ts";
import type { Logger } from "../lib/log.ts";
import type { AppDeps } from "../services/deps.ts";
import type { ShopIdentity } from "../services/shop/identity.ts";

/** The Hono environment of every route and page. */
export type AppEnv = {
	Bindings: Bindings;
	/**
	 * Set once per request by the app's first middleware: `config`, the
	 * settings (`configOf`: parsed once per isolate); `deps`, the services'
	 * dependencies (`buildDeps`, the composition root).
	 */
	Variables: {
		requestId: string;
		log: Logger;
		config: Config;
		deps: AppDeps;
		/** A page's shop identity, read with the page (src/pages/serve.ts `pageAsset`). */
		shop?: ShopIdentity;
	};
};
