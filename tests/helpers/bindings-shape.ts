/**
 * Checks a JSON value against a named `@vcd/bindings` type (VMware's typed statement of Cloud
 * Director's JSON) with the TypeScript compiler: the value is written out as an object literal
 * assigned to that type, so missing-type and excess-property checks both apply, and the compiler's
 * messages come back, each prefixed with the JSON path it is about. An empty answer means it fits.
 *
 * Two adjustments make the typings describe the wire rather than deserialized objects:
 * - `Date` fields accept the ISO strings VCD sends;
 * - an object carrying `_type` (VCD's JSON discriminator for polymorphic elements, e.g. OVF
 *   sections and query records) is checked against the binding type of that name, then placed in
 *   its parent slot as a typed value, the way `xsi:type` works in VCD's XML.
 *
 * One compiler program serves a whole test file: each check reuses the parsed library and
 * bindings files of the previous one (`oldProgram`), so only the small generated file is new.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const bindingsRoot = dirname(createRequire(import.meta.url).resolve('@vcd/bindings/package.json'));
/** Never written to disk; it sits beside node_modules so that the bindings resolve from it. */
const checkedFile = join(bindingsRoot, '../../..', '__bindings_shape_check__.ts').replaceAll('\\', '/');

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

/** Parsed files outside the generated one, kept across checks (the expensive part). */
const sourceFiles = new Map<string, ts.SourceFile>();
let previousProgram: ts.Program | undefined;
let checkedSource = '';

const baseHost = ts.createCompilerHost(options, true);
const host: ts.CompilerHost = {
  ...baseHost,
  getSourceFile(fileName, languageVersion) {
    if (fileName === checkedFile) return ts.createSourceFile(fileName, checkedSource, languageVersion, true);
    let file = sourceFiles.get(fileName);
    if (!file) {
      file = baseHost.getSourceFile(fileName, languageVersion);
      if (file) sourceFiles.set(fileName, file);
    }
    return file;
  },
  fileExists: (fileName) => fileName === checkedFile || baseHost.fileExists(fileName),
  readFile: (fileName) => (fileName === checkedFile ? checkedSource : baseHost.readFile(fileName)),
  writeFile: () => undefined,
};

/** Every binding type name → its module specifier (first one found; the preferred module wins). */
let typeModules: Map<string, string> | undefined;
function bindingTypeModules(): Map<string, string> {
  if (typeModules) return typeModules;
  typeModules = new Map();
  const walk = (dir: string, specifier: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${specifier}/${entry.name}`);
      else if (entry.name.endsWith('.d.ts') && entry.name !== 'index.d.ts') {
        const name = entry.name.slice(0, -'.d.ts'.length);
        if (!typeModules!.has(name)) typeModules!.set(name, `${specifier}/${name}`);
      }
    }
  };
  // The legacy API and OVF schemas first: their names are the ones VCD's `_type` values use.
  walk(join(bindingsRoot, 'vcloud/api/rest/schema_v1_5'), '@vcd/bindings/vcloud/api/rest/schema_v1_5');
  walk(join(bindingsRoot, 'vcloud/api/rest/schema/ovf'), '@vcd/bindings/vcloud/api/rest/schema/ovf');
  walk(join(bindingsRoot, 'vcloud'), '@vcd/bindings/vcloud');
  return typeModules;
}

/** The module to import `typeName` from: its own file when there is one (loads far less). */
function moduleOf(typeName: string, importPath: string): string {
  const relative = importPath.replace(/^@vcd\/bindings\/?/, '');
  if (existsSync(join(bindingsRoot, relative, `${typeName}.d.ts`))) return `${importPath}/${typeName}`;
  return importPath;
}

/** One statement of the generated file and the JSON path it checks. */
interface Line {
  text: string;
  path: string;
}

interface Emitted {
  lines: Line[];
  imports: Map<string, string>;
  problems: string[];
  next: number;
}

function typeAlias(typeName: string, module: string, out: Emitted): string {
  const key = `${module}#${typeName}`;
  let alias = out.imports.get(key);
  if (!alias) {
    alias = `T${out.imports.size}`;
    out.imports.set(key, alias);
  }
  return alias;
}

/**
 * Checks `value` against the type expression `slot`: one statement per property, so every
 * unknown property and every wrong value gets its own message (an object literal stops at its
 * first excess property). Bindings mark every property optional, so nothing is "missing";
 * JSON `null` is taken as an absent value.
 */
function emit(value: unknown, slot: string, path: string, out: Emitted): void {
  const add = (text: string): void => void out.lines.push({ text, path });
  if (value === null) return;
  if (typeof value !== 'object') return add(`const c${out.next++}: ${slot} = ${JSON.stringify(value)};`);
  if (Array.isArray(value)) {
    if (value.length === 0) return add(`const c${out.next++}: ${slot} = [];`);
    const item = `P${out.next++}`;
    add(`type ${item} = NonNullable<${slot}>[number];`);
    value.forEach((entry, index) => emit(entry, item, `${path}[${index}]`, out));
    return;
  }
  const record = value as Record<string, unknown>;
  let type = `P${out.next++}`;
  add(`type ${type} = NonNullable<${slot}>;`);
  const discriminator = record._type;
  if (typeof discriminator === 'string') {
    const module = bindingTypeModules().get(discriminator);
    if (!module) return void out.problems.push(`${path}: _type ${discriminator} is not a @vcd/bindings type`);
    // Like xsi:type: the named type must fit the slot, and the object is checked against it.
    const named = `P${out.next++}`;
    add(`type ${named} = Wire<${typeAlias(discriminator, module, out)}>;`);
    // Structural typing would let any weak type in; a subtype has at least its base's properties.
    add(
      `const c${out.next++}: [Exclude<keyof ${type}, keyof ${named}>] extends [never] ? 'fits the slot' : 'does not extend the slot type' = 'fits the slot';`,
    );
    type = named;
  }
  for (const [key, entry] of Object.entries(record)) {
    if (key === '_type') continue;
    const propertyPath = `${path}.${key}`;
    const property = `${type}[${JSON.stringify(key)}]`;
    if (entry === null) out.lines.push({ text: `type K${out.next++} = ${property};`, path: propertyPath });
    else emit(entry, property, propertyPath, out);
  }
}

/**
 * Answers the compiler's messages for `value` assigned to `typeName` from `importPath`
 * (e.g. `VdcType`, `@vcd/bindings/vcloud/api/rest/schema_v1_5`); empty when it fits.
 */
export function checkBindingsShape(typeName: string, importPath: string, value: unknown): string[] {
  const out: Emitted = { lines: [], imports: new Map(), problems: [], next: 0 };
  const rootAlias = typeAlias(typeName, moduleOf(typeName, importPath), out);
  const root = value as { _type?: unknown } | null;
  if (root && typeof root === 'object' && typeof root._type === 'string' && root._type !== typeName) {
    out.problems.push(`$: _type ${root._type} where ${typeName} was expected`);
  }
  emit(value, `Wire<${rootAlias}>`, '$', out);

  const header = [
    ...[...out.imports].map(([key, alias]) => {
      const [module, name] = key.split('#');
      return `import type { ${name} as ${alias} } from ${JSON.stringify(module)};`;
    }),
    // VCD's JSON carries dates as ISO strings where the typings say Date.
    'type Wire<T> = T extends Date ? string | Date : T extends (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;',
  ];
  const body = out.lines;
  checkedSource = [...header, ...body.map((line) => line.text)].join('\n');

  const program = ts.createProgram([checkedFile], options, host, previousProgram);
  previousProgram = program;
  const file = program.getSourceFile(checkedFile)!;
  const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  const messages = diagnostics.map((diagnostic) => {
    const text = ts
      .flattenDiagnosticMessageText(diagnostic.messageText, '\n')
      // The structural type text says nothing the path does not; keep the property's name.
      .replace(/^Property '(.*?)' does not exist on type '[\s\S]*$/, 'unknown property $1')
      .replace(
        /^Type '"fits the slot"'[\s\S]*$/,
        '_type names a type that does not extend the type expected here',
      )
      .replace(/Wire<(\w+)>/g, '$1');
    const line =
      diagnostic.start === undefined ? -1 : file.getLineAndCharacterOfPosition(diagnostic.start).line;
    const path = line >= header.length ? body[line - header.length]?.path : undefined;
    return `${path ?? '(generated code)'}: ${text.replace(/\bT(\d+)\b/g, (_, index: string) => importedName(out, Number(index)))}`;
  });
  return [...out.problems, ...messages];
}

function importedName(out: Emitted, index: number): string {
  const key = [...out.imports.keys()][index];
  return key ? key.split('#')[1] : `T${index}`;
}
