/**
 * `node --import ./bench/loader/register.mjs …` installs {@link ./hooks.mjs}, and marks the
 * process so bench/run.ts knows it need not restart itself under the loader.
 *
 * @module
 */
import { register } from "node:module";

process.env.COLLOQUY_BENCH_LOADER = "1";
register("./hooks.mjs", import.meta.url);
