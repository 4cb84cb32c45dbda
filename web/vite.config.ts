/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The gateway serves dist/ at `/` (index.html for every app route, `/assets/*` as files) under a
// strict CSP (`default-src 'self'`, no inline script or style): every asset is a file of its own.
// LKA_GATEWAY (e.g. http://127.0.0.1:8000) is where `vite` / `vite preview` send `/api`.
const gateway = process.env.LKA_GATEWAY ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    assetsInlineLimit: 0,
    sourcemap: false,
    target: "es2022",
    chunkSizeWarningLimit: 400,
  },
  server: { proxy: { "/api": { target: gateway, changeOrigin: false } } },
  preview: { proxy: { "/api": { target: gateway, changeOrigin: false } } },
  test: {
    environment: "jsdom",
    // A secure origin, so that the `__Host-` cookies of the gateway can be set in tests.
    environmentOptions: { jsdom: { url: "https://lk.example.test/" } },
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    restoreMocks: true,
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
