import { resourceMissing } from "../api/errors.ts";
import { applyExpand } from "../api/expand.ts";
import { createdFilter, newestFirst, paginate, renderList } from "../api/pagination.ts";
import { optionalBoolean, optionalString } from "../api/params.ts";
import { type ApiRoute, pathId } from "../api/types.ts";
import { createCoupon, renderCoupon } from "./coupons.ts";
import {
	createPromotionCode,
	promotionCodeActive,
	renderPromotionCode,
} from "./promotion-codes.ts";

/** `/v1/coupons` and `/v1/promotion_codes`: create, retrieve, list. */
export const discountRoutes: ApiRoute[] = [
	{
		method: "POST",
		pattern: "/v1/coupons",
		handler: ({ ctx, params }) => {
			const coupon = createCoupon(ctx.state, params, ctx.clock.now());
			return applyExpand(ctx, renderCoupon(coupon, ctx.clock.now()), params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/coupons",
		handler: ({ ctx, params }) => {
			const inRange = createdFilter(params.created);
			const matching = newestFirst(ctx.state.coupons).filter((coupon) => inRange(coupon.created));
			const page = paginate(matching, params);
			const data = page.items.map((coupon) => renderCoupon(coupon, ctx.clock.now()));
			return applyExpand(ctx, renderList(data, "/v1/coupons", page.hasMore), params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/coupons/:id",
		handler: (request) => {
			const id = pathId(request);
			const coupon = request.ctx.state.coupons.get(id);
			if (!coupon) throw resourceMissing("coupon", id);
			return applyExpand(
				request.ctx,
				renderCoupon(coupon, request.ctx.clock.now()),
				request.params,
			);
		},
	},
	{
		method: "POST",
		pattern: "/v1/promotion_codes",
		handler: ({ ctx, params }) => {
			const promo = createPromotionCode(ctx.state, params, ctx.clock.now());
			return applyExpand(ctx, renderPromotionCode(ctx.state, promo, ctx.clock.now()), params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/promotion_codes",
		handler: ({ ctx, params }) => {
			const now = ctx.clock.now();
			const code = optionalString(params.code, "code")?.toLowerCase();
			const active = optionalBoolean(params.active, "active");
			const coupon = optionalString(params.coupon, "coupon");
			const inRange = createdFilter(params.created);
			const matching = newestFirst(ctx.state.promotionCodes).filter(
				(promo) =>
					(code === undefined || promo.code.toLowerCase() === code) &&
					(active === undefined || promotionCodeActive(ctx.state, promo, now) === active) &&
					(coupon === undefined || promo.couponId === coupon) &&
					inRange(promo.created),
			);
			const page = paginate(matching, params);
			const data = page.items.map((promo) => renderPromotionCode(ctx.state, promo, now));
			return applyExpand(ctx, renderList(data, "/v1/promotion_codes", page.hasMore), params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/promotion_codes/:id",
		handler: (request) => {
			const { ctx } = request;
			const id = pathId(request);
			const promo = ctx.state.promotionCodes.get(id);
			if (!promo) throw resourceMissing("promotion_code", id);
			return applyExpand(
				ctx,
				renderPromotionCode(ctx.state, promo, ctx.clock.now()),
				request.params,
			);
		},
	},
];
