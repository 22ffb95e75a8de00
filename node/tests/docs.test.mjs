// Docs that run, the Node side: every `js` block of the Markdown files listed in tests/docs/documents.txt runs
// against the emulator, in a fresh folder where `ccc-aicall` is this package (node_modules/ccc-aicall links here)
// and the files the blocks name (patients.csv, ...) are at hand. Credentials and endpoint come through the
// documented environment variables, and LLM_API_KEY, which the blocks read, is set as a reader would set it.
//
// The blocks of one file run in order, as ES modules in one process (top-level `await` works), and share names as
// a reader's session would: a block may use what an earlier one declared (`client`, `params`). The test adds an
// `import` of those names to the block and an `export` of its own, on lines around the block's, so the block's
// lines keep their numbers in the file's: a stack trace names the Markdown line. A block without `import` that
// calls `require` is CommonJS: it must also compile as CommonJS (no top-level `await`), and gets `require`.
// python/tests/test_docs.py checks the other kinds of block (python, rust, sh, text) and the links.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Module } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { Emulator } from 'ccc-aicall';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ELSEWHERE = ['python', 'rust', 'sh', 'text']; // python/tests/test_docs.py runs or checks these
const FENCE = /^( *)(`{3,}|~{3,})([^`]*)$/;

// The same list and the same fences as python/tests/_doc_blocks.py.
function documents() {
  const listed = fs.readFileSync(path.join(REPO, 'tests', 'docs', 'documents.txt'), 'utf8').split('\n');
  return listed.map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).flatMap((entry) => {
    if (!entry.includes('*')) return [entry];
    const [folder, pattern] = [path.posix.dirname(entry), path.posix.basename(entry)];
    const suffix = pattern.replace(/^\*/, '');
    return fs.readdirSync(path.join(REPO, folder)).filter((f) => f.endsWith(suffix)).sort()
      .map((f) => `${folder}/${f}`);
  });
}

function blocks(doc, text = fs.readFileSync(path.join(REPO, doc), 'utf8')) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const closing = new RegExp(`^ *${fence[0] === '`' ? '`' : '~'}{${fence.length},} *$`);
    const end = lines.findIndex((line, j) => j > i && closing.test(line));
    assert.ok(end > i, `${doc}:${i + 1}: a code fence that is never closed`);
    const strip = (line) => line.slice(Math.min(indent.length, line.length - line.trimStart().length));
    const lang = info.trim().split(/[\s,]+/)[0] ?? '';
    out.push({ doc, line: i + 1, lang, code: lines.slice(i + 1, end).map(strip).join('\n') + '\n' });
    i = end;
  }
  return out;
}

// The names a block declares at its top level (imports, const/let/var with their destructuring, functions,
// classes), and whether it has ES module syntax.
function topLevel(code) {
  const source = ts.createSourceFile('block.mjs', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const names = new Set();
  const bind = (name) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (ts.isBindingElement(element)) bind(element.name);
  };
  let esm = false;
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      esm = true;
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
    } else if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      esm = true;
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    }
  }
  return { names, esm };
}

// Each block as a module file whose lines match the Markdown file's; returns [file, 'doc:line'] in order.
function writeModules(doc, jsBlocks, folder) {
  const declaredIn = new Map(); // name -> the module of the latest block declaring it
  return jsBlocks.map((block) => {
    const file = `${doc.replaceAll('/', '_')}.L${block.line}.mjs`;
    const { names, esm } = topLevel(block.code);
    const prelude = [];
    if (!esm && /\brequire\s*\(/.test(block.code) && !names.has('require')) {
      try {
        new vm.Script(Module.wrap(block.code), { filename: `${doc}:${block.line}` });
      } catch (error) {
        assert.fail(`${doc}:${block.line}: a CommonJS block (require, no import) that is not valid CommonJS: ${error}`);
      }
      prelude.push("import { createRequire as __docsRequire } from 'node:module';",
        'const require = __docsRequire(import.meta.url);');
    }
    const imports = new Map();
    for (const [name, from] of declaredIn) {
      if (!names.has(name)) imports.set(from, [...(imports.get(from) ?? []), name]);
    }
    for (const [from, list] of imports) prelude.push(`import { ${list.join(', ')} } from './${from}';`);
    const own = [...names].filter((name) => name !== 'require');
    for (const name of own) declaredIn.set(name, file);
    const text = `${prelude.join(' ')}${'\n'.repeat(block.line)}${block.code}export { ${own.join(', ')} };\n`;
    fs.writeFileSync(path.join(folder, file), text);
    return [file, `${doc}:${block.line}`];
  });
}

const DRIVER = `
const blocks = JSON.parse(process.argv[2]);
for (const [file, where] of blocks) {
  try {
    await import('./' + file);
  } catch (error) {
    console.error(where + ': ' + (error?.stack ?? error));
    process.exit(1);
  }
  console.log('ran ' + where);
}
`;

const DOCS = documents();
const ALL = DOCS.flatMap((doc) => blocks(doc));

test('every block is run here or checked by the Python suite', () => {
  const unknown = ALL.filter((b) => b.lang !== 'js' && !ELSEWHERE.includes(b.lang));
  assert.deepEqual(unknown.map((b) => `${b.doc}:${b.line} \`\`\`${b.lang}`), []);
  assert.ok(ALL.some((b) => b.lang === 'js'));
});

for (const doc of DOCS.filter((d) => blocks(d).some((b) => b.lang === 'js'))) {
  test(`the js blocks of ${doc} run against the emulator`, async (t) => {
    const emulator = await Emulator.start();
    t.after(() => emulator.stop());
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-aicall-docs-'));
    t.after(() => fs.rmSync(folder, { recursive: true, force: true }));
    fs.mkdirSync(path.join(folder, 'node_modules'));
    fs.symlinkSync(path.join(REPO, 'node'), path.join(folder, 'node_modules', 'ccc-aicall'), 'dir');
    fs.cpSync(path.join(REPO, 'tests', 'docs', 'files'), folder, { recursive: true });
    const jsBlocks = blocks(doc).filter((b) => b.lang === 'js');
    const modules = writeModules(doc, jsBlocks, folder);
    fs.writeFileSync(path.join(folder, 'run.mjs'), DRIVER);
    const env = {
      PATH: process.env.PATH,
      HOME: folder,
      TENCENTCLOUD_SECRET_ID: emulator.secretId,
      TENCENTCLOUD_SECRET_KEY: emulator.secretKey,
      CCC_AICALL_ENDPOINT: emulator.endpoint,
      LLM_API_KEY: 'sk-docs-test',
    };
    const { code, stdout, stderr } = await new Promise((resolve) => {
      execFile(process.execPath, ['run.mjs', JSON.stringify(modules)], { cwd: folder, env, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? (error.code ?? error.signal) : 0, stdout, stderr }));
    });
    assert.equal(code, 0, `${doc}: a block failed\n${stdout}\n${stderr}`);
    const ran = stdout.split('\n').filter((l) => l.startsWith('ran ')).map((l) => l.slice(4));
    assert.deepEqual(ran, modules.map(([, where]) => where));
    assert.ok(emulator.calls().length > 0, 'the blocks reached this emulator through the documented variables');
  });
}

test('a block that breaks fails the run, at its Markdown line', async (t) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-aicall-docs-'));
  t.after(() => fs.rmSync(folder, { recursive: true, force: true }));
  const text = '# x\n\n```js\nconst answer = 42;\n```\n\ntext\n\n```js\nconsole.log(answer);\nnotDefined();\n```\n';
  const modules = writeModules('x.md', blocks('x.md', text), folder);
  fs.writeFileSync(path.join(folder, 'run.mjs'), DRIVER);
  const outcome = await new Promise((resolve) => {
    execFile(process.execPath, ['run.mjs', JSON.stringify(modules)], { cwd: folder },
      (error, stdout, stderr) => resolve({ error, stdout, stderr }));
  });
  assert.equal(outcome.error?.code, 1);
  assert.equal(outcome.stdout, 'ran x.md:3\n42\n'); // the second block sees the first one's `answer`
  assert.match(outcome.stderr, /^x\.md:9: ReferenceError: notDefined is not defined/);
  assert.match(outcome.stderr, /x\.md\.L9\.mjs:11:1/); // line 11 of the Markdown file
  const cjs = blocks('y.md', '```js\nconst { Client } = require(\'ccc-aicall\');\nawait Client;\n```\n');
  assert.throws(() => writeModules('y.md', cjs, folder), /not valid CommonJS/);
});
