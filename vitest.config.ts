import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["colloquy-src"] },
  ssr: { resolve: { conditions: ["colloquy-src"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
