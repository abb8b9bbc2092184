import { resourceMissing } from "../api/errors.ts";
import { applyExpand } from "../api/expand.ts";
import { type ApiRoute, pathId } from "../api/types.ts";
import { renderPrice, renderProduct } from "./product-object.ts";

/** `/v1/products/:id` and `/v1/prices/:id` (read-only: Checkout's `price_data` makes them). */
export const productRoutes: ApiRoute[] = [
	{
		method: "GET",
		pattern: "/v1/products/:id",
		handler: (request) => {
			const id = pathId(request);
			const product = request.ctx.state.products.get(id);
			if (!product) throw resourceMissing("product", id);
			return applyExpand(request.ctx, renderProduct(product), request.params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/prices/:id",
		handler: (request) => {
			const id = pathId(request);
			const price = request.ctx.state.prices.get(id);
			if (!price) throw resourceMissing("price", id);
			return applyExpand(request.ctx, renderPrice(price), request.params);
		},
	},
];
