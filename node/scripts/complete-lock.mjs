// Name every platform package of the dev tools' optional dependencies in package-lock.json.
//
// @napi-rs/cli pulls in @napi-rs/{lzma,tar,wasm-tools}, each with one optional package per platform. A registry
// mirror that serves only this platform's leaves the others out of the lock npm writes, and `npm ci` then
// refuses the lock as out of sync; so do this package's own platform packages while the registry does not have
// them (before a release). Run this after `npm install` changes the lock: it adds the missing ones with their
// os/cpu/libc (from the napi-rs naming scheme), so npm skips them on every other platform.
import fs from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [where, meta] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const m = name.match(/-(android|darwin|freebsd|linux|win32|wasm32)-?([a-z0-9]*)-?([a-z]*)$/);
    if (packages[key] || !m) continue;
    const [, os, cpu, abi] = m;
    // The root's own (this package's prebuilt modules, not on the registry before a release) are not dev tools.
    const entry = where === '' ? { version, optional: true } : { version, dev: true, optional: true };
    if (os === 'wasm32') entry.cpu = ['wasm32'];
    else {
      const libc = abi === 'musl' ? { libc: ['musl'] } : abi.startsWith('gnu') ? { libc: ['glibc'] } : {};
      Object.assign(entry, { os: [os], cpu: [cpu] }, libc);
    }
    packages[key] = entry;
    added += 1;
  }
}
const rootFirstThenByName = ([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1);
lock.packages = Object.fromEntries(Object.entries(packages).sort(rootFirstThenByName));
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: named ${added} platform packages`);
