import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

/** Order ids are UUIDs: checked before they go into SQL text. */
export function assertOrderId(id: string): string {
	if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
		throw new Error(`not an order id: ${JSON.stringify(id)}`);
	return id;
}

/**
 * Reads the local D1 database that `wrangler dev` writes, the way a developer
 * would: `wrangler d1 execute DB --local --persist-to <dir> --json`.
 */
export function d1Query<Row>(persistDir: string, sql: string): Promise<Row[]> {
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			[
				WRANGLER,
				"d1",
				"execute",
				"DB",
				"--local",
				"--persist-to",
				persistDir,
				"--command",
				sql,
				"--json",
			],
			{
				cwd: ROOT,
				env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
				timeout: 60_000,
				maxBuffer: 10 * 1024 * 1024,
			},
			(error, stdout, stderr) => {
				if (error) {
					reject(new Error(`wrangler d1 execute failed: ${error.message}\n${stdout}\n${stderr}`));
					return;
				}
				try {
					const answer = JSON.parse(stdout) as { results: Row[]; success: boolean }[];
					resolve(answer.flatMap((statement) => statement.results));
				} catch {
					reject(new Error(`wrangler d1 execute printed no JSON:\n${stdout}\n${stderr}`));
				}
			},
		);
	});
}

export type TransitionRow = { from_status: string | null; to_status: string; source: string };

/** An order's status and its transition history, straight from D1. */
export async function orderInD1(persistDir: string, orderId: string) {
	const id = assertOrderId(orderId);
	const rows = await d1Query<{
		status: string;
		amount: number;
		amount_refunded: number;
		currency: string;
		from_status: string | null;
		to_status: string | null;
		source: string | null;
	}>(
		persistDir,
		`select o.status, o.amount, o.amount_refunded, o.currency, t.from_status, t.to_status, t.source from orders o left join order_transitions t on t.order_id = o.id where o.id = '${id}' order by t.id`,
	);
	const first = rows[0];
	if (!first) return null;
	return {
		status: first.status,
		amount: first.amount,
		amountRefunded: first.amount_refunded,
		currency: first.currency,
		transitions: rows
			.filter((row) => row.to_status !== null)
			.map((row) => ({
				from_status: row.from_status,
				to_status: row.to_status as string,
				source: row.source as string,
			})),
	};
}
