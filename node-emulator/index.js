'use strict';
// ccc-aicall-emulator: the native half of ccc-aicall's `Emulator` class, a local CreateAICall service for tests.
// ccc-aicall calls this on the first `Emulator.start()` with its own loader (its platform table), and the native
// module resolves from here: this package's build in a checkout, else its platform package from this package's
// node_modules, wherever the package manager put it.

const path = require('node:path');

/** @param {(name: string, local: string, requireFrom: (id: string) => any) => any} loadNative */
module.exports = function load(loadNative) {
  return loadNative('ccc-aicall-emulator', path.join(__dirname, 'ccc-aicall-emulator.node'), require);
};
