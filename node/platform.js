'use strict';
// Which prebuilt native module runs here. A release publishes one npm package per platform of the build matrix
// (`<name>-<suffix>`, napi-rs's naming, each with its os/cpu/libc so npm installs only the matching one) and lists
// them all as optionalDependencies of the main package; a checkout's own build (`npm run build`) wins over them.

const fs = require('node:fs');
const path = require('node:path');

// The release matrix: `${platform} ${arch} ${libc}` (libc only on Linux) -> the platform packages' suffix. The
// npm/<suffix>/ directories and the optionalDependencies name the same set (tests/packages.test.js).
const SUFFIXES = {
  'linux x64 glibc': 'linux-x64-gnu',
  'linux arm64 glibc': 'linux-arm64-gnu',
  'linux x64 musl': 'linux-x64-musl',
  'linux arm64 musl': 'linux-arm64-musl',
  'darwin x64': 'darwin-x64',
  'darwin arm64': 'darwin-arm64',
  'win32 x64': 'win32-x64-msvc',
};

/** The platform packages' suffix for (process.platform, process.arch, libc), or null where none is built. */
function platformSuffix(platform, arch, libc) {
  const key = platform === 'linux' ? `${platform} ${arch} ${libc}` : `${platform} ${arch}`;
  return Object.hasOwn(SUFFIXES, key) ? SUFFIXES[key] : null;
}

/** The package holding `name`'s native module on that platform, or null when the release has none for it. */
function platformPackage(name, platform, arch, libc) {
  const suffix = platformSuffix(platform, arch, libc);
  return suffix === null ? null : `${name}-${suffix}`;
}

/**
 * 'glibc' or 'musl' on Linux, null elsewhere. napi-rs's test: Node's report names the glibc it runs on, and a
 * musl build (Alpine) has none; without a report, the musl loader among the loaded libraries.
 */
function runningLibc() {
  if (process.platform !== 'linux') return null;
  const report = /** @type {any} */ (process.report?.getReport?.());
  if (report?.header?.glibcVersionRuntime) return 'glibc';
  if (Array.isArray(report?.sharedObjects)) {
    return report.sharedObjects.some((f) => f.includes('libc.musl-') || f.includes('ld-musl-')) ? 'musl' : 'glibc';
  }
  return 'glibc';
}

/** What is running, as the error messages name it. */
function describePlatform(platform, arch, libc) {
  return libc ? `${platform} ${arch} (${libc})` : `${platform} ${arch}`;
}

/**
 * `name`'s native module: the one a build left at `local` (a checkout), else the running platform's package,
 * loaded with `requireFrom` (the caller's `require`, so the package resolves from the caller's node_modules).
 * A platform without a package, or a package that is not installed, is one Error saying what to do.
 */
function loadNative(name, local, requireFrom) {
  if (fs.existsSync(local)) return requireFrom(local);
  // A checkout has the crate next to the JavaScript; a package from the registry or a tarball does not.
  if (fs.existsSync(path.join(path.dirname(local), 'Cargo.toml'))) {
    throw new Error(
      `${name}: ${local} is not built; \`npm run build\` in the checkout's node/ builds it (needs a Rust toolchain)`,
    );
  }
  const libc = runningLibc();
  const shown = describePlatform(process.platform, process.arch, libc);
  const pkg = platformPackage(name, process.platform, process.arch, libc);
  if (pkg === null) {
    throw new Error(
      `${name}: ${shown} is not a supported platform: no package of ${name} holds a native module for it ` +
        `(there are ${Object.values(SUFFIXES).join(', ')}).`,
    );
  }
  try {
    return requireFrom(pkg);
  } catch (cause) {
    if (cause?.code !== 'MODULE_NOT_FOUND' || !String(cause.message).includes(`'${pkg}'`)) throw cause;
    throw new Error(
      `${name}: the native module for ${shown} is in the package ${pkg}, which is not installed. It is an ` +
        `optional dependency of ${name}: reinstall without --no-optional or --omit=optional ` +
        `(e.g. rm -rf node_modules && npm install).`,
      { cause },
    );
  }
}

/**
 * The emulator's native module (`Emulator.start()`'s first call): package ccc-aicall-emulator, a test dependency,
 * so an application ships without the test server. A checkout uses its sibling crate's package (node-emulator/).
 */
function loadEmulatorNative() {
  // A name in a variable: the type checker (make lint) takes the package as `any`, not as one it must find.
  const emulatorPackage = 'ccc-aicall-emulator';
  const sibling = path.join(__dirname, '..', 'node-emulator');
  let load;
  if (fs.existsSync(path.join(__dirname, 'Cargo.toml')) && fs.existsSync(path.join(sibling, 'package.json'))) {
    load = require(sibling);
  } else {
    try {
      load = require(emulatorPackage);
    } catch (cause) {
      if (cause?.code !== 'MODULE_NOT_FOUND' || !String(cause.message).includes(`'${emulatorPackage}'`)) throw cause;
      throw new Error(
        'Emulator needs the ccc-aicall-emulator package (the local CreateAICall service is not part of the ' +
          'runtime): npm install --save-dev ccc-aicall-emulator',
        { cause },
      );
    }
  }
  // The package finds its own platform package (from its node_modules) with this same table.
  return load(loadNative);
}

module.exports = {
  SUFFIXES,
  platformSuffix,
  platformPackage,
  runningLibc,
  describePlatform,
  loadNative,
  loadEmulatorNative,
};
