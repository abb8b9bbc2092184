import type { ShopDefaults } from "../../config.ts";
import type { Db } from "../../db/client.ts";
import { shopIdentity as identityTable } from "../../db/schema.ts";
import type { ShopIdentityInput } from "../../domain/shop.ts";
import { INFO_PAGES, type InfoPage } from "../../domain/vocabulary.ts";
import { isoTime } from "../../lib/time.ts";

/** The shop as every page, e-mail, the console and Stripe's page name it (`GET /api/shop`). */
export type ShopIdentity = {
	name: string;
	contactEmail: string | null;
	legalName: string | null;
	legalAddress: string | null;
	/** `#rrggbb`, or null: the shop's own green. */
	accentColor: string | null;
	/** The owner's logo (`/media/shop/…`); null: the shop's mark (`/favicon.svg`). */
	logoUrl: string | null;
	pricesIncludeTax: boolean;
	/** The information pages with text (SPEC 17), in the footer's order: what footers and e-mails link. */
	pages: InfoPage[];
	/** When the owner last saved it; null: still `wrangler.toml`'s defaults. */
	updatedAt: string | null;
	/** An active shipping rate is limited to some countries: the cart asks where the goods go. */
	ratesByCountry: boolean;
};

/** The identity as `GET /api/shop` and the console answer it (what the pages need beside it left out). */
export const identityBody = ({ ratesByCountry: _, ...identity }: ShopIdentity) => identity;

/** The legal address on one line ("12 rue des Lilas, 75011 Paris"), as the footer and Stripe's page print it. */
export function addressOnOneLine(shop: ShopIdentity): string | null {
	return shop.legalAddress?.replace(/\s*\n\s*/g, ", ") ?? null;
}

/**
 * How long an isolate keeps the identity it read: pages, e-mails and checkouts
 * do not each pay a D1 read for it. An edit shows at once in the isolate that
 * saved it, and within this long everywhere else.
 */
export const IDENTITY_KEPT_MS = 30_000;
/** Kept per set of settings (one per isolate in production); a save in this isolate drops them all. */
const kept = new WeakMap<ShopDefaults, { identity: ShopIdentity; until: number; saves: number }>();
let saves = 0;

/** The shop's identity: the owner's, or `SHOP_NAME` / `CONTACT_EMAIL` before their first save. */
export async function shopIdentity(
	db: Db,
	defaults: ShopDefaults,
	nowMs: number,
): Promise<ShopIdentity> {
	const cached = kept.get(defaults);
	if (cached && cached.until > nowMs && cached.saves === saves) return cached.identity;
	// One round trip for both: the identity row and which information pages have text.
	const [identityRows, pageRows, countryRates] = await db.$client.batch<Record<string, unknown>>([
		db.$client.prepare(
			"select name, contact_email, legal_name, legal_address, accent_color, logo_url, prices_include_tax, updated_at from shop_identity where id = 1",
		),
		db.$client.prepare("select slug from info_pages where en <> '' or fr <> ''"),
		db.$client.prepare(
			"select 1 from shipping_rates where active = 1 and countries is not null limit 1",
		),
	]);
	const ratesByCountry = (countryRates?.results.length ?? 0) > 0;
	const row = identityRows?.results[0] as IdentityRow | undefined;
	const published = new Set((pageRows?.results ?? []).map((r) => r.slug));
	const pages = INFO_PAGES.filter((slug) => published.has(slug));
	const identity: ShopIdentity = row
		? {
				name: row.name,
				contactEmail: row.contact_email,
				legalName: row.legal_name,
				legalAddress: row.legal_address,
				accentColor: row.accent_color,
				logoUrl: row.logo_url,
				pricesIncludeTax: row.prices_include_tax === 1,
				pages,
				updatedAt: isoTime(row.updated_at),
				ratesByCountry,
			}
		: {
				name: defaults.name,
				contactEmail: defaults.contactEmail,
				legalName: null,
				legalAddress: null,
				accentColor: null,
				logoUrl: null,
				pricesIncludeTax: false,
				pages,
				updatedAt: null,
				ratesByCountry,
			};
	kept.set(defaults, { identity, until: nowMs + IDENTITY_KEPT_MS, saves });
	return identity;
}

type IdentityRow = {
	name: string;
	contact_email: string | null;
	legal_name: string | null;
	legal_address: string | null;
	accent_color: string | null;
	logo_url: string | null;
	prices_include_tax: number;
	updated_at: number;
};

/** The identity's row, an information page or a shipping rate was saved: this isolate's kept identities are dropped. */
export function shopSaved(): void {
	saves += 1;
}

/** `PUT /admin/shop`: the whole identity (the logo apart, which has its own route), saved; this isolate shows it from now on. */
export async function saveShopIdentity(
	db: Db,
	defaults: ShopDefaults,
	input: ShopIdentityInput,
	actor: string,
	nowMs: number,
): Promise<ShopIdentity> {
	// The pages it lists are not this save's: the kept copy's (usually no round trip).
	const { pages, ratesByCountry } = await shopIdentity(db, defaults, nowMs);
	const values = { ...input, updatedBy: actor, updatedAt: nowMs };
	const [written] = await db
		.insert(identityTable)
		.values({ id: 1, ...values })
		.onConflictDoUpdate({ target: identityTable.id, set: values })
		.returning({ logoUrl: identityTable.logoUrl });
	// This isolate's kept copies are dropped (the next read reads the row); others' expire within 30 s.
	saves += 1;
	// What was written, as the read would answer it (with the logo the row keeps): no read back.
	return {
		...input,
		logoUrl: written?.logoUrl ?? null,
		pages,
		updatedAt: isoTime(nowMs),
		ratesByCountry,
	};
}
