/**
 * Module resolve hook: lets Node load the worker's sources (src/), whose
 * relative imports omit the `.ts` extension (wrangler's bundler adds it).
 * Registered by worker-sql.ts with `module.register`.
 */
import type { ResolveHook } from "node:module";

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
	try {
		return await nextResolve(specifier, context);
	} catch (err) {
		const relative = specifier.startsWith("./") || specifier.startsWith("../");
		if (!relative || !context.parentURL?.includes("/src/")) throw err;
		for (const candidate of [`${specifier}.ts`, `${specifier}/index.ts`]) {
			try {
				return await nextResolve(candidate, context);
			} catch {
				// Try the next form.
			}
		}
		throw err;
	}
};
