import { asc, eq, sql } from "drizzle-orm";
import { minorUnitDigits, stripeCurrencyDigits } from "shop-money";
import { runBatch } from "../../db/batch.ts";
import type { Db } from "../../db/client.ts";
import { shippingRateChanges, shippingRates } from "../../db/schema.ts";
import {
	countriesOf,
	daysInOrder,
	type NewShippingRate,
	type ShippingRatePatch,
} from "../../domain/shipping-rate.ts";
import { AppError } from "../../lib/errors.ts";
import { isoTime } from "../../lib/time.ts";
import type { Deps } from "../deps.ts";
import { shopSaved } from "../shop/identity.ts";
import { auditedPatch } from "./audited-patch.ts";

/**
 * The console's shipping rates (SPEC 17): created, edited and deactivated per
 * currency, each change written with its audit row in one D1 batch, guarded by
 * the values it was judged on, as the catalog's products are.
 */

type RateRow = typeof shippingRates.$inferSelect;

export const invalidShippingRate = (field: string | undefined, message: string) =>
	new AppError("invalid_shipping_rate", message, field ? { field } : {});
const rateNotFound = () => new AppError("shipping_rate_not_found", "No such shipping rate.");

function rateView(r: RateRow) {
	return {
		id: r.id,
		displayName: r.displayName,
		translations: r.translations
			? (JSON.parse(r.translations) as Record<string, { name: string }>)
			: {},
		amount: r.amount,
		currency: r.currency,
		minorUnits: minorUnitDigits(r.currency),
		minDays: r.minDays,
		maxDays: r.maxDays,
		freeAbove: r.freeAbove,
		countries: countriesOf(r.countries),
		active: r.active,
		createdAt: isoTime(r.createdAt),
		updatedAt: isoTime(r.updatedAt),
	};
}

/** `GET /admin/shipping-rates`: every rate, inactive ones too, by currency then price. */
export async function listShippingRates(db: Db) {
	const rows = await db
		.select()
		.from(shippingRates)
		.orderBy(asc(shippingRates.currency), asc(shippingRates.amount), asc(shippingRates.id));
	// Each currency Stripe charges in, with its minor units: how the console reads a typed price.
	return { rates: rows.map(rateView), currencies: stripeCurrencyDigits() };
}

/** `GET /admin/shipping-rates/:id`: the rate with its audit trail, oldest first. */
export async function shippingRateDetail(db: Db, id: string) {
	const [rows, changes] = await db.batch([
		db.select().from(shippingRates).where(eq(shippingRates.id, id)).limit(1),
		db
			.select()
			.from(shippingRateChanges)
			.where(eq(shippingRateChanges.rateId, id))
			.orderBy(asc(shippingRateChanges.id)),
	]);
	const row = rows[0];
	if (!row) throw rateNotFound();
	return {
		...rateView(row),
		changes: changes.map((c) => ({
			action: c.action,
			actor: c.actor,
			changes: JSON.parse(c.changes) as Record<string, { from: unknown; to: unknown }>,
			at: isoTime(c.at),
		})),
	};
}

export async function createShippingRate(deps: Deps, input: NewShippingRate, actor: string) {
	const { db } = deps;
	if (!daysInOrder(input)) throw invalidShippingRate("minDays", "minDays must be at most maxDays.");
	const now = deps.now();
	const changes = Object.fromEntries(
		Object.entries(input).map(([field, value]) => [field, { from: null, to: value }]),
	);
	const results = await runBatch(db, [
		sql`insert into shipping_rates (id, display_name, translations, amount, currency, min_days, max_days, free_above, countries, active, created_at, updated_at)
			values (${input.id}, ${input.displayName}, ${input.translations}, ${input.amount}, ${input.currency}, ${input.minDays}, ${input.maxDays}, ${input.freeAbove}, ${input.countries}, ${input.active ? 1 : 0}, ${now}, ${now})
			on conflict (id) do nothing`,
		sql`insert into shipping_rate_changes (rate_id, action, actor, changes, at)
			select ${input.id}, 'create', ${actor}, ${JSON.stringify(changes)}, ${now} where changes() = 1`,
	]);
	if (results[0]?.meta.changes !== 1)
		throw new AppError("shipping_rate_exists", "A shipping rate with this id exists already.", {
			field: "id",
		});
	deps.log.info("shipping rate created", { rateId: input.id, actor });
	// Whether the cart asks where the goods go follows the rates (kept with the identity).
	shopSaved();
	return shippingRateDetail(db, input.id);
}

const PATCHABLE = {
	displayName: shippingRates.displayName,
	translations: shippingRates.translations,
	amount: shippingRates.amount,
	minDays: shippingRates.minDays,
	maxDays: shippingRates.maxDays,
	freeAbove: shippingRates.freeAbove,
	countries: shippingRates.countries,
	active: shippingRates.active,
} as const;

/** Changes the fields given and audits those that differ; a concurrent edit makes it compare again. */
export async function updateShippingRate(
	deps: Deps,
	id: string,
	patch: ShippingRatePatch,
	actor: string,
) {
	const { db } = deps;
	for (let attempt = 0; attempt < 5; attempt++) {
		const [row] = await db.select().from(shippingRates).where(eq(shippingRates.id, id)).limit(1);
		if (!row) throw rateNotFound();
		const { changed, changes, set, unchanged } = auditedPatch(
			PATCHABLE,
			shippingRates.id,
			id,
			row,
			patch,
		);
		if (changed.length === 0) return shippingRateDetail(db, id);
		if (!daysInOrder({ ...row, ...set }))
			throw invalidShippingRate("minDays", "minDays must be at most maxDays.");
		const now = deps.now();
		const results = await runBatch(db, [
			db
				.update(shippingRates)
				.set({ ...set, updatedAt: now })
				.where(unchanged)
				.getSQL(),
			sql`insert into shipping_rate_changes (rate_id, action, actor, changes, at)
				select ${id}, 'update', ${actor}, ${JSON.stringify(changes)}, ${now} where changes() = 1`,
		]);
		if (results[0]?.meta.changes === 1) {
			deps.log.info("shipping rate updated", { rateId: id, fields: changed, actor });
			shopSaved();
			return shippingRateDetail(db, id);
		}
	}
	throw new AppError("product_changed", "The rate kept changing: try again.");
}
