/**
 * `npm run db:seed:demo -- --local | --remote`: the demo shop (seeds/demo.sql and
 * the e-book's file, seeds/files/) into the local or the deployed D1 database and
 * R2 bucket, as `npm run dev` loads it locally. Other arguments go to wrangler
 * (`--config`, `--persist-to`).
 */
import { parseArgs } from "node:util";
import { seedDemo } from "./stack.ts";

const { values } = parseArgs({
	options: {
		local: { type: "boolean" },
		remote: { type: "boolean" },
		config: { type: "string" },
		"persist-to": { type: "string" },
	},
});
if (values.local === values.remote) {
	console.error("Usage: npm run db:seed:demo -- --local   (or --remote, the deployed shop)");
	process.exit(2);
}
try {
	seedDemo({ remote: values.remote, config: values.config, persistTo: values["persist-to"] });
	console.log(`The demo shop is loaded (${values.remote ? "remote" : "local"}).`);
} catch (err) {
	console.error((err as Error).message);
	process.exit(1);
}
