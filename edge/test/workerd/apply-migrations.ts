/** @module Applies edge/migrations to the test D1 database before each test file (a no-op once applied). */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
