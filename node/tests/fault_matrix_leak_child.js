'use strict';
// Run by fault_matrix_leaks.test.js with CCC_AICALL_LOG=debug: the fault matrix with the leak check's secrets.
// Prints {rows, texts} as JSON on stdout; the log lines go to stderr, which the parent reads.

const { leakSecrets, run } = require('./fault_matrix_runner');

run(leakSecrets()).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
