import { Hono } from "hono";
import type { AppEnv } from "../env";

/** Operator API under /admin (Bearer ADMIN_TOKEN; 404 everywhere when no token is configured). */
export const adminRoutes = new Hono<AppEnv>();
