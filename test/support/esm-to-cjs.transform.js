/**
 * Jest transform for the ESM-only `@nestjs/terminus` 12: Jest's CommonJS runtime cannot
 * `require()` ES modules on Node 22 (nor on 24 without --experimental-vm-modules), and
 * in-process specs load ObservabilityModule, which imports Terminus. TypeScript
 * rewrites the module syntax; the few `import.meta` uses get their CommonJS equivalents.
 */
const ts = require('typescript');

module.exports = {
  process(source, filename) {
    const cjs = source
      .replace(/^const require = createRequire\(import\.meta\.url\);$/m, '')
      .replace(/import\.meta\.resolve\(/g, 'require.resolve(')
      .replace(/import\.meta\.dirname/g, '__dirname')
      .replace(
        /import\.meta\.url/g,
        "require('node:url').pathToFileURL(__filename).href",
      );
    const { outputText } = ts.transpileModule(cjs, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        allowJs: true,
        esModuleInterop: true,
      },
    });
    return { code: outputText };
  },
};
