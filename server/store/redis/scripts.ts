/**
 * Loads the Lua scripts of lua/ (BullMQ style: `<name>-<numberOfKeys>.lua`, `-n` when each
 * call passes its own key count) and defines each once per connection as an ioredis command.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Cluster, Redis } from 'ioredis';

/**
 * The scripts' folder: this file's lua/ under tsx and Jest. In the bundle every module's
 * __dirname is dist/, where esbuild.config.mjs copies this folder as dist/lua.
 */
export const SCRIPTS_DIR = path.join(__dirname, 'lua');

/** `--- @include "includes/x"`, on a line of its own: replaced by lua/includes/x.lua. */
const INCLUDE = /^--- @include "([\w/-]+)"$/gm;

/**
 * Defines each command (name -> script file without `.lua`) not yet on the connection. One
 * already defined is kept: several stores share a connection, and a test may define a
 * command first to stand in for the script.
 */
export function defineScripts(redis: Redis | Cluster, scripts: Readonly<Record<string, string>>, dir: string = SCRIPTS_DIR): void {
  for (const [name, file] of Object.entries(scripts)) {
    if (typeof (redis as unknown as Record<string, unknown>)[name] === 'function') continue;
    const lua = readFileSync(path.join(dir, `${file}.lua`), 'utf8').replace(INCLUDE, (_, include: string) =>
      readFileSync(path.join(dir, `${include}.lua`), 'utf8'),
    );
    const keys = file.slice(file.lastIndexOf('-') + 1);
    redis.defineCommand(name, keys === 'n' ? { lua } : { lua, numberOfKeys: Number(keys) });
  }
}
