// Entry point Pulumi's policy harness require()s (it loads CommonJS only). tsx compiles the
// TypeScript pack on the fly, the way every other entry point of this repo runs.
require("tsx/cjs/api").require("./index.ts", __filename);
