/**
 * `npm run keys -- <create|revoke|list> [options]`: manages the edge's API keys. Exit 2 for a wrong
 * command line, 1 for anything else, with one line on stderr.
 */
import { parseArgs } from "node:util";
import { Scope, Tenant } from "../src/keys/api-key.ts";
import { createKey, listKeys, revokeKey } from "./keys.ts";
import type { D1Target } from "./wrangler-d1.ts";

const USAGE = `usage: npm run keys -- <command> [options]
  create --tenant T [--scopes read,write]   prints the new key (shown once)
  revoke <key id or key>
  list [--tenant T]
options: --local (default) [--persist-to DIR] | --remote; --database NAME (default ugatit); --config PATH; --json`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: "string" },
      scopes: { type: "string" },
      local: { type: "boolean" },
      remote: { type: "boolean" },
      "persist-to": { type: "string" },
      database: { type: "string" },
      config: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.local && values.remote) throw new UsageError("--local and --remote exclude each other");
  if (values.remote && values["persist-to"]) throw new UsageError("--persist-to is for the local database");
  const target: D1Target = {
    remote: values.remote ?? false,
    ...(values["persist-to"] ? { persistTo: values["persist-to"] } : {}),
    ...(values.database ? { database: values.database } : {}),
    ...(values.config ? { configPath: values.config } : {}),
  };
  const print = (json: unknown, text: string) =>
    process.stdout.write(`${values.json ? JSON.stringify(json) : text}\n`);

  switch (command) {
    case "create": {
      const tenant = Tenant.safeParse(values.tenant);
      if (!tenant.success) throw new UsageError(`--tenant: ${tenant.error.issues[0]?.message ?? "required"}`);
      const scopes = values.scopes?.split(",").map((s) => {
        const scope = Scope.safeParse(s.trim());
        if (!scope.success) throw new UsageError(`--scopes: ${s} is not one of ${Scope.options.join(", ")}`);
        return scope.data;
      });
      const { key, record } = await createKey(tenant.data, scopes, target);
      print(
        {
          key,
          id: record.id,
          tenant: record.tenant,
          scopes: record.scopes.split(" "),
          created_at: record.created_at,
        },
        key,
      );
      if (!values.json)
        process.stderr.write(`key ${record.id} for tenant ${record.tenant} (${record.scopes}); shown once\n`);
      return;
    }
    case "revoke": {
      if (rest.length !== 1) throw new UsageError("revoke takes one key id or key");
      const revoked = await revokeKey(rest[0] as string, target);
      if (!revoked) throw new Error(`no key ${rest[0]}`);
      print({ revoked: rest[0] }, `revoked ${rest[0]}`);
      return;
    }
    case "list": {
      const keys = await listKeys(target, values.tenant);
      print(
        keys,
        keys
          .map(
            (k) =>
              `${k.id}  ${k.tenant}  ${k.scopes}  created ${k.created_at}${k.revoked_at ? `  revoked ${k.revoked_at}` : ""}`,
          )
          .join("\n") || "no keys",
      );
      return;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  const usage =
    error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
  process.stderr.write(`keys: ${(error as Error).message}${usage ? `\n${USAGE}` : ""}\n`);
  process.exit(usage ? 2 : 1);
}
