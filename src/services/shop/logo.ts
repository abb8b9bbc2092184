import { eq } from "drizzle-orm";
import type { ShopDefaults } from "../../config.ts";
import type { Db } from "../../db/client.ts";
import { shopIdentity as identityTable } from "../../db/schema.ts";
import { removeReplaced, storeImage } from "../media/images.ts";
import { type ShopIdentity, shopIdentity, shopSaved } from "./identity.ts";

/**
 * `POST /admin/shop/logo` (a JPEG, PNG or WebP, as product pictures) and
 * `DELETE /admin/shop/logo`: the shop's logo, in the pages' header and the
 * e-mails. Before the owner's first save of the identity, saving a logo keeps
 * `wrangler.toml`'s name and contact. The logo it replaces is removed.
 */
export async function setShopLogo(
	db: Db,
	media: R2Bucket,
	defaults: ShopDefaults,
	upload: { type: string | undefined; body: ArrayBuffer } | null,
	actor: string,
	nowMs: number,
	defer: (work: Promise<unknown>) => void,
): Promise<ShopIdentity> {
	const logoUrl = upload ? await storeImage(media, "shop", upload) : null;
	const [before] = await db
		.select({ logoUrl: identityTable.logoUrl })
		.from(identityTable)
		.where(eq(identityTable.id, 1));
	await db
		.insert(identityTable)
		.values({
			id: 1,
			name: defaults.name,
			contactEmail: defaults.contactEmail,
			logoUrl,
			updatedBy: actor,
			updatedAt: nowMs,
		})
		.onConflictDoUpdate({
			target: identityTable.id,
			set: { logoUrl, updatedBy: actor, updatedAt: nowMs },
		});
	shopSaved();
	const removed = removeReplaced(media, before?.logoUrl, logoUrl);
	if (removed) defer(removed);
	return shopIdentity(db, defaults, nowMs);
}
