import type { Statement } from "../../db/batch.ts";
import { runBatch } from "../../db/batch.ts";
import { DOWNLOAD_DAYS, DOWNLOAD_LIMIT, fileOf, type ProductFile } from "../../domain/downloads.ts";
import { AppError } from "../../lib/errors.ts";
import { isoTime } from "../../lib/time.ts";
import type { Deps } from "../deps.ts";
import { type DownloadRow, downloadsOf, findOrder } from "./orders.ts";

/**
 * Digital delivery (SPEC 17): a paid order's lines whose product carries a
 * file get download links, each bound to its line, valid `DOWNLOAD_DAYS` and
 * `DOWNLOAD_LIMIT` downloads, refused once the order is refunded. An order
 * whose every line is a download is then fulfilled, by its delivery.
 */

const DOWNLOAD_TTL_MS = DOWNLOAD_DAYS * 24 * 60 * 60 * 1000;

/** The statuses in which an order's links work: paid, shipped or delivered; never refunded. */
const DELIVERABLE = "('paid', 'fulfilled')";

/**
 * A fresh secret for one batch of links: 128 bits from Web Crypto. Each line's
 * token is it followed by the line's id, so the links of one order (one
 * shopper's) differ while every bit an outsider would have to guess is random.
 */
function tokenPrefix(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Its every line carries a file (and it has lines): a paid order that nothing is left to ship. */
const ALL_DELIVERED = `exists (select 1 from order_items where order_id = ?1)
	and not exists (select 1 from order_items oi left join products p on p.id = oi.product_id
		where oi.order_id = ?1 and p.file is null)`;

/**
 * What makes a paid order's links, and fulfils it when they are all it
 * needs: statements for the batch that wrote the order at `version` (the
 * payment's own, or the console's re-issue), each doing nothing unless the
 * order is still that version and deliverable.
 */
export function deliveryStatements(orderId: string, version: number, now: number): Statement[] {
	const at = `id = ?1 and version = ?2 and status in ${DELIVERABLE}`;
	return [
		{
			sql: `insert into downloads (token, order_id, order_item_id, product_id, expires_at, used, created_at)
				select ?3 || oi.id, oi.order_id, oi.id, oi.product_id, ?4, 0, ?5
				from order_items oi join products p on p.id = oi.product_id
				where oi.order_id = ?1 and p.file is not null
					and exists (select 1 from orders where ${at})`,
			params: [orderId, version, tokenPrefix(), now + DOWNLOAD_TTL_MS, now],
		},
		// Fulfilled by its delivery: the transition first, as it must see the version before the update.
		{
			sql: `insert into order_transitions (order_id, from_status, to_status, source, stripe_event_id, at)
				select id, 'paid', 'fulfilled', 'delivery', null, ?3 from orders
				where id = ?1 and version = ?2 and status = 'paid' and ${ALL_DELIVERED}`,
			params: [orderId, version, now],
		},
		{
			sql: `update orders set status = 'fulfilled', version = version + 1, updated_at = ?3
				where id = ?1 and version = ?2 and status = 'paid' and ${ALL_DELIVERED}`,
			params: [orderId, version, now],
		},
	];
}

export type DownloadView = ReturnType<typeof downloadView>;

/** A link as its reader sees it: where, until when, how many downloads are left. */
export function downloadView(row: DownloadRow, origin: string, nowMs: number) {
	const left = Math.max(0, DOWNLOAD_LIMIT - row.used);
	return {
		name: row.name,
		url: `${origin}/downloads/${row.token}`,
		expiresAt: isoTime(row.expiresAt),
		downloadsLeft: left,
		usable: left > 0 && row.expiresAt > nowMs,
	};
}

/**
 * `POST /admin/orders/:id/downloads`: new links for a paid order (a shopper
 * who lost the e-mail, or used up a link); the old ones stop working. An
 * order still waiting for its delivery (a file added since) is fulfilled by it.
 */
export async function issueDownloads(deps: Deps, orderId: string, actor: string) {
	const { db } = deps;
	const order = await findOrder(db, orderId);
	if (!order) throw new AppError("order_not_found", "No such order.");
	if (order.status !== "paid" && order.status !== "fulfilled")
		throw new AppError(
			"order_not_paid",
			order.status === "refunded"
				? "This order was refunded: its downloads have ended."
				: "Only a paid order has downloads.",
		);
	const now = deps.now();
	const earlier = (await downloadsOf(db, order.id)).length > 0;
	const guard = `exists (select 1 from orders where id = ? and version = ? and status in ${DELIVERABLE})`;
	const results = await runBatch(db, [
		// The old links say they were replaced (a shopper with an old e-mail is told so, not "no such link").
		{
			sql: `update downloads set replaced_at = ? where order_id = ? and replaced_at is null and ${guard}`,
			params: [now, order.id, order.id, order.version],
		},
		...deliveryStatements(order.id, order.version, now),
		// In the order's history, with who did it.
		{
			sql: `insert into order_notes (order_id, text, created_by, created_at)
				select ?, ?, ?, ? where exists
					(select 1 from downloads where order_id = ? and created_at = ? and replaced_at is null)`,
			params: [
				order.id,
				earlier
					? "New download links issued; the earlier ones stopped working."
					: "Download links issued.",
				actor,
				now,
				order.id,
				now,
			],
		},
	]);
	if ((results[1]?.meta.changes ?? 0) === 0) {
		const current = await findOrder(db, orderId);
		if (current?.version !== order.version)
			throw new AppError("request_in_progress", "The order changed meanwhile: try again.");
		throw new AppError("no_downloads", "None of this order's products has a file to download.");
	}
	const fulfilled = results[3]?.meta.changes === 1;
	deps.log.info("downloads issued", { orderId, links: results[1]?.meta.changes, fulfilled });
	return { downloads: await downloadsOf(db, orderId), fulfilled };
}

/** Why a link opens no file, in the words its reader gets. */
const REFUSED = {
	not_found: ["download_not_found", "This download link does not exist."],
	expired: ["download_expired", "This download link has expired."],
	used_up: [
		"download_limit_reached",
		`This download link was used ${DOWNLOAD_LIMIT} times, its limit.`,
	],
	refunded: ["download_revoked", "This order was refunded: its downloads have ended."],
	no_file: ["download_not_found", "This file is no longer available."],
	replaced: ["download_replaced", "This download link was replaced by a newer one."],
} as const;

function refused(why: keyof typeof REFUSED): AppError {
	const [code, message] = REFUSED[why];
	return new AppError(code, message);
}

/**
 * `GET /downloads/<token>`: counts one download and answers its file from R2
 * (the count and the read of where it is in one D1 round trip); a link that may
 * not be used is refused with why, and a file gone from the bucket is not
 * counted. `count: false` (a HEAD) only checks, and reads the object's head.
 */
export async function openDownload(
	deps: Deps,
	media: R2Bucket,
	token: string,
	count: boolean,
): Promise<{ file: ProductFile; object: R2Object | R2ObjectBody }> {
	const { db } = deps;
	const now = deps.now();
	if (!/^[0-9a-f]{32}\d{1,15}$/.test(token)) throw refused("not_found");
	const usable = `token = ?1 and replaced_at is null and used < ${DOWNLOAD_LIMIT} and expires_at > ?2
		and (select status from orders where id = downloads.order_id) in ${DELIVERABLE}`;
	const [counted, read] = await runBatch(db, [
		count
			? { sql: `update downloads set used = used + 1 where ${usable}`, params: [token, now] }
			: { sql: `select 1 from downloads where ${usable}`, params: [token, now] },
		{
			sql: `select d.expires_at, d.used, d.replaced_at, o.status, p.file from downloads d
				join orders o on o.id = d.order_id left join products p on p.id = d.product_id
				where d.token = ?`,
			params: [token],
		},
	]);
	const row = read?.results[0] as
		| {
				expires_at: number;
				used: number;
				replaced_at: number | null;
				status: string;
				file: string | null;
		  }
		| undefined;
	const ok = count ? counted?.meta.changes === 1 : (counted?.results.length ?? 0) > 0;
	if (!row) throw refused("not_found");
	if (!ok) {
		if (row.status !== "paid" && row.status !== "fulfilled") throw refused("refunded");
		if (row.replaced_at !== null) throw refused("replaced");
		if (row.expires_at <= now) throw refused("expired");
		throw refused("used_up");
	}
	const file = fileOf(row.file);
	const object = file && (count ? await media.get(file.key) : await media.head(file.key));
	if (!file || !object) {
		// Not a download: the count it took goes back.
		if (count)
			await runBatch(db, [
				{
					sql: "update downloads set used = used - 1 where token = ? and used > 0",
					params: [token],
				},
			]);
		throw refused("no_file");
	}
	return { file, object };
}
