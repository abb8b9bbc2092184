import type { SQL } from "drizzle-orm";
import { and, asc, desc, eq, gt, inArray, sql, sum } from "drizzle-orm";
import { stripeCurrencyDigits } from "shop-money";
import { runBatch } from "../../db/batch.ts";
import type { Db } from "../../db/client.ts";
import { catalogChanges, orderItems, orders, products } from "../../db/schema.ts";
import { fileOf } from "../../domain/downloads.ts";
import {
	MAX_STOCK,
	type NewProduct,
	type ProductPatch,
	type StockChange,
	translationsOf,
} from "../../domain/product.ts";
import { OPEN_STATUSES } from "../../domain/transitions.ts";
import type { CatalogAction } from "../../domain/vocabulary.ts";
import { AppError } from "../../lib/errors.ts";
import { isoTime } from "../../lib/time.ts";
import type { Deps } from "../deps.ts";
import { auditedPatch } from "./audited-patch.ts";
import { productView } from "./catalog.ts";

/**
 * The operator's catalog (SPEC 11): every change is written with its audit
 * row in one D1 batch, both guarded by the values the change was judged on,
 * so the trail says exactly what changed, by whom, and when. Orders never
 * change with the catalog: their lines are snapshots.
 */

type ProductRow = typeof products.$inferSelect;

export const invalidProduct = (field: string | undefined, message: string) =>
	new AppError("invalid_product", message, field ? { field } : {});
const productNotFound = () => new AppError("product_not_found", "No such product.");

/** The operator's view of a product: the storefront's plus what a checkout holds of its stock now. */
function adminProduct(p: ProductRow, reserved: number) {
	return {
		...productView(p),
		// Per language, for the console's fields (the storefront shows one of them).
		translations: translationsOf(p.translations),
		active: p.active,
		taxCode: p.taxCode,
		/** Units new checkouts may still take; null: unlimited. */
		stock: p.stock,
		/** Units held by checkouts still open (pending, processing, failed). */
		reserved,
		/** At or under it, one `low_stock` alert; null: none. */
		lowStockThreshold: p.lowStockThreshold,
		/** What its buyers download (SPEC 17); null: nothing. Its place in R2 is never shown. */
		file: fileSummary(p.file),
		createdAt: isoTime(p.createdAt),
		updatedAt: isoTime(p.updatedAt),
	};
}

function fileSummary(column: string | null) {
	const file = fileOf(column);
	return file && { name: file.name, type: file.type, size: file.size };
}

/** Units held by open orders, per product. */
async function reservedBy(db: Db, productIds?: string[]): Promise<Map<string, number>> {
	const rows = await db
		.select({ productId: orderItems.productId, units: sum(orderItems.reserved) })
		.from(orderItems)
		.innerJoin(orders, eq(orders.id, orderItems.orderId))
		.where(
			and(
				gt(orderItems.reserved, 0),
				inArray(orders.status, [...OPEN_STATUSES]),
				productIds ? inArray(orderItems.productId, productIds) : undefined,
			),
		)
		.groupBy(orderItems.productId);
	return new Map(rows.map((r) => [r.productId, Number(r.units ?? 0)]));
}

/**
 * Every product, inactive ones included, by currency and name; and every
 * currency a product may be created in, with its minor units (the console
 * reads a new product's price by them).
 */
export async function listAllProducts(db: Db) {
	const [rows, reserved] = await Promise.all([
		db.select().from(products).orderBy(asc(products.currency), asc(products.name)),
		reservedBy(db),
	]);
	return {
		products: rows.map((p) => adminProduct(p, reserved.get(p.id) ?? 0)),
		currencies: stripeCurrencyDigits(),
	};
}

async function viewOf(db: Db, id: string) {
	const [row] = await db.select().from(products).where(eq(products.id, id)).limit(1);
	if (!row) throw productNotFound();
	const reserved = await reservedBy(db, [id]);
	return adminProduct(row, reserved.get(id) ?? 0);
}

/** A product with its audit trail, newest first. */
export async function productDetail(db: Db, id: string) {
	const product = await viewOf(db, id);
	const changes = await db
		.select()
		.from(catalogChanges)
		.where(eq(catalogChanges.productId, id))
		.orderBy(desc(catalogChanges.id))
		.limit(100);
	return {
		...product,
		changes: changes.map((c) => ({
			id: c.id,
			action: c.action,
			actor: c.actor,
			changes: JSON.parse(c.changes) as Record<string, { from: unknown; to: unknown }>,
			at: isoTime(c.at),
		})),
	};
}

/** The audit row, written only where `when` holds (the change's own guard). */
function auditInsert(
	productId: string,
	action: CatalogAction,
	actor: string,
	changes: SQL,
	at: number,
	when: SQL,
): SQL {
	return sql`insert into catalog_changes (product_id, action, actor, changes, at)
		select ${productId}, ${action}, ${actor}, ${changes}, ${at} from products where ${when}`;
}

export async function createProduct(deps: Deps, input: NewProduct, actor: string) {
	const { db } = deps;
	if (
		(await db.select({ id: products.id }).from(products).where(eq(products.id, input.id))).length >
		0
	)
		throw productExists();
	const now = deps.now();
	const fields = input;
	const changes = Object.fromEntries(
		Object.entries(fields).map(([field, value]) => [field, { from: null, to: value }]),
	);
	try {
		await runBatch(db, [
			db
				.insert(products)
				.values({ ...fields, createdAt: now, updatedAt: now })
				.getSQL(),
			auditInsert(
				input.id,
				"create",
				actor,
				sql`${JSON.stringify(changes)}`,
				now,
				eq(products.id, input.id) as SQL,
			),
		]);
	} catch (err) {
		// Created by someone else between the look and the write.
		if (
			(await db.select({ id: products.id }).from(products).where(eq(products.id, input.id)))
				.length > 0
		)
			throw productExists();
		throw err;
	}
	deps.log.info("product created", { productId: input.id, actor });
	return viewOf(db, input.id);
}

const productExists = () =>
	new AppError("product_exists", "A product with this id exists already.", { field: "id" });

const PATCHABLE = {
	name: products.name,
	description: products.description,
	unitAmount: products.unitAmount,
	shippable: products.shippable,
	stock: products.stock,
	taxCode: products.taxCode,
	active: products.active,
	translations: products.translations,
	lowStockThreshold: products.lowStockThreshold,
	// Set by an upload (product-image.ts, product-file.ts), never by the PATCH route's body.
	imageUrl: products.imageUrl,
	file: products.file,
} as const;

/** One field of a product as it is now (what an upload replaces); 404 `product_not_found`. */
export async function productField<K extends "imageUrl" | "file">(db: Db, id: string, field: K) {
	const [row] = await db
		.select({ value: PATCHABLE[field] })
		.from(products)
		.where(eq(products.id, id))
		.limit(1);
	if (!row) throw productNotFound();
	return row.value as ProductRow[K];
}

/**
 * Changes the fields given, and audits those whose value differs. Compared
 * and set in one batch: a concurrent edit (or a checkout's reservation, when
 * `stock` is set) makes it read and compare again.
 */
export async function updateProduct(
	deps: Deps,
	id: string,
	patch: ProductPatch & { imageUrl?: string | null; file?: string | null },
	actor: string,
) {
	const { db } = deps;
	for (let attempt = 0; attempt < 5; attempt++) {
		const [row] = await db.select().from(products).where(eq(products.id, id)).limit(1);
		if (!row) throw productNotFound();
		const { changed, changes, set, unchanged } = auditedPatch(
			PATCHABLE,
			products.id,
			id,
			row,
			patch,
		);
		if (changed.length === 0) return viewOf(db, id);
		const now = deps.now();
		const results = await runBatch(db, [
			auditInsert(id, "update", actor, sql`${JSON.stringify(changes)}`, now, unchanged),
			db
				.update(products)
				.set({ ...set, updatedAt: now })
				.where(unchanged)
				.getSQL(),
		]);
		if (results[1]?.meta.changes === 1) {
			deps.log.info("product updated", { productId: id, fields: changed, actor });
			return viewOf(db, id);
		}
	}
	throw new AppError("product_changed", "The product kept changing: try again.");
}

/**
 * `{"set": n}`: n units available to new checkouts from now on, whatever is
 * reserved (null: unlimited). `{"add": n}`: n more (fewer when negative, never
 * below 0). The audit row reads the stock in the same statement batch as the
 * change, so its before and after are exact even while checkouts reserve.
 */
export async function changeStock(deps: Deps, id: string, change: StockChange, actor: string) {
	const { db } = deps;
	const now = deps.now();
	const isAdd = "add" in change;
	const to = isAdd ? sql`stock + ${change.add}` : sql`${change.set}`;
	const when = (
		isAdd
			? sql`id = ${id} and stock is not null and stock + ${change.add} between 0 and ${MAX_STOCK}`
			: sql`id = ${id}`
	) as SQL;
	const results = await runBatch(db, [
		auditInsert(
			id,
			"stock",
			actor,
			sql`json_object('stock', json_object('from', stock, 'to', ${to}))`,
			now,
			when,
		),
		sql`update products set stock = ${to}, updated_at = ${now} where ${when}`,
	]);
	if (results[1]?.meta.changes !== 1) {
		const [row] = await db.select().from(products).where(eq(products.id, id)).limit(1);
		if (!row) throw productNotFound();
		if (row.stock === null)
			throw invalidProduct("add", "This product's stock is unlimited: set a number first.");
		if (isAdd && row.stock + change.add > MAX_STOCK)
			throw invalidProduct(
				"add",
				`That would make ${row.stock + change.add} in stock, more than the ${MAX_STOCK} a product may have.`,
			);
		throw new AppError(
			"insufficient_stock",
			`Only ${row.stock} left: cannot take away ${-(isAdd ? change.add : 0)}.`,
			{ field: "add" },
		);
	}
	deps.log.info("product stock changed", { productId: id, change, actor });
	return viewOf(db, id);
}

/** Who made a change: which admin token (a fingerprint of it, never the token itself). */
export async function actorOf(token: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
	const hex = [...new Uint8Array(digest).slice(0, 4)]
		.map((b) => b.toString(16).padStart(2, "0"))
		.join("");
	return `admin-token:${hex}`;
}
