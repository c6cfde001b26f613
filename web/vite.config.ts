/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Served by the API at /console (same origin), or as a static site of its own at
// CONSOLE_BASE_PATH (e.g. "/") that calls the API over CORS at VITE_API_BASE_URL (docs/CONSOLE.md).
const base = process.env.CONSOLE_BASE_PATH ?? "/console/";

export default defineConfig({
  base: base.endsWith("/") ? base : `${base}/`,
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The API's Content-Security-Policy allows scripts from 'self' only: no inlined modules.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
