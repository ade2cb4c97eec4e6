import { defineConfig } from 'vite';

// The page is a static bundle; the API is on another origin (VITE_API_URL at build time, or
// ?api=<url> at run time). 5173 is in the API's default CORS_ORIGINS, for dev and preview alike.
export default defineConfig({
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
});
