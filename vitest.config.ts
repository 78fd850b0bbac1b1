import { defineConfig } from "vitest/config";
import { edgeProjects } from "./edge/vitest.projects.ts";

export default defineConfig({
  test: {
    projects: [
      {
        // a package that publishes built files (shared/client) is tested from its sources; then Node's own
        // conditions: "module" would hand Node the extensionless ESM builds of @aws-sdk/checksums, which it cannot load
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
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
      ...edgeProjects,
    ],
  },
});
