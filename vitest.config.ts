import { existsSync } from "node:fs";
import { configDefaults, defineConfig } from "vitest/config";
import { edgeProjects } from "./edge/vitest.projects.ts";

/** The README quick-start test's copy of the repository, where it runs `npm test`: that test must not recurse. */
const QUICK_START_COPY = existsSync(new URL(".quick-start-copy", import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        // a package that publishes built files (shared/client) is tested from its sources; no "module": it
        // would send Node to the AWS SDK's dist-es, whose extensionless imports Node cannot load
        ssr: { resolve: { conditions: ["@ugatit/source", "node", "development|production"] } },
        test: {
          name: "node",
          include: [
            "shared/*/src/**/*.test.ts",
            "gpu-worker/src/**/*.test.ts",
            "infra/**/*.test.ts",
            "edge/browser/**/*.test.ts",
            "test/**/*.test.ts",
            "bench/**/*.test.ts",
          ],
          exclude: [
            ...configDefaults.exclude,
            ...(QUICK_START_COPY ? ["test/e2e/readme-quick-start.test.ts"] : []),
          ],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
      ...edgeProjects,
    ],
  },
});
