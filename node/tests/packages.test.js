'use strict';
// What a release publishes holds together: one version everywhere (the Rust workspace, both npm packages, every
// platform package and every pin), and one platform matrix (platform.js's table, the npm/<suffix>/ directories
// and the optionalDependencies), each platform package naming the file `napi build --platform` writes.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { SUFFIXES } = require('../platform.js');
const { version } = require('ccc-aicall');

const REPO = path.resolve(__dirname, '..', '..');
const PACKAGES = [path.join(REPO, 'node'), path.join(REPO, 'node-emulator')];
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

function workspaceVersion() {
  const toml = fs.readFileSync(path.join(REPO, 'Cargo.toml'), 'utf8');
  const section = toml.split(/^\[/m).find((s) => s.startsWith('workspace.package]'));
  return /^version\s*=\s*"([^"]+)"/m.exec(section)[1];
}

function platformDirs(dir) {
  return fs.readdirSync(path.join(dir, 'npm')).sort();
}

test('one version: the Rust workspace, every package.json, every pin, and the loaded module', () => {
  const expected = workspaceVersion();
  const seen = { 'Cargo.toml [workspace.package]': expected, "require('ccc-aicall').version": version };
  for (const dir of PACKAGES) {
    const pkg = readJson(path.join(dir, 'package.json'));
    seen[`${pkg.name}`] = pkg.version;
    for (const [name, pin] of Object.entries({ ...pkg.optionalDependencies, ...pkg.peerDependencies })) {
      seen[`${pkg.name} -> ${name}`] = pin;
    }
    for (const suffix of platformDirs(dir)) seen[`npm/${suffix} of ${pkg.name}`] = readJson(
      path.join(dir, 'npm', suffix, 'package.json'),
    ).version;
  }
  assert.ok(Object.keys(seen).length > 30, 'both packages and their platform packages were read');
  const differing = Object.entries(seen).filter(([, v]) => v !== expected);
  assert.deepEqual(differing, [], `every version is ${expected}`);
});

test('one platform matrix: the loader table, the npm/ directories and the optional dependencies', () => {
  const suffixes = Object.values(SUFFIXES).sort();
  for (const dir of PACKAGES) {
    const pkg = readJson(path.join(dir, 'package.json'));
    const binary = pkg.napi.binaryName;
    assert.deepEqual(platformDirs(dir), suffixes, `${pkg.name}: npm/`);
    assert.deepEqual(Object.keys(pkg.optionalDependencies).sort(), suffixes.map((s) => `${pkg.name}-${s}`));
    assert.ok(!pkg.files.some((f) => f.endsWith('.node')), `${pkg.name} carries no native module itself`);
    for (const [key, suffix] of Object.entries(SUFFIXES)) {
      const [os, cpu, libc] = key.split(' ');
      const platformPkg = readJson(path.join(dir, 'npm', suffix, 'package.json'));
      assert.equal(platformPkg.name, `${pkg.name}-${suffix}`);
      assert.equal(platformPkg.main, `${binary}.${suffix}.node`, `${platformPkg.name}: main`);
      assert.deepEqual(platformPkg.files, [platformPkg.main], `${platformPkg.name}: files`);
      assert.deepEqual(platformPkg.os, [os], `${platformPkg.name}: os`);
      assert.deepEqual(platformPkg.cpu, [cpu], `${platformPkg.name}: cpu`);
      assert.deepEqual(platformPkg.libc, libc && [libc], `${platformPkg.name}: libc`);
    }
  }
});
