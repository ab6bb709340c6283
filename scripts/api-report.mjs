#!/usr/bin/env node
// API reports for the public entry points of @prs/nestjs-observability: one
// libs/observability/api/<entry>.api.md per "exports" entry of the library's
// package.json, made by API Extractor from the built declarations (dist/*.d.ts)
// with the settings in libs/observability/api-extractor/<entry>.json.
//
//   node scripts/api-report.mjs --check   CI: fails (exit 1) when a report is out of
//                                         date or missing; builds nothing itself, so
//                                         run `npm run build:lib` first.
//   node scripts/api-report.mjs --update  local mode: rewrites the reports.
//
// Options (both modes), for checking another copy without touching this tree:
//   --dist DIR     declarations to analyse (default libs/observability/dist); must
//                  lie inside the repository so their imports resolve from its
//                  node_modules. Its parent is the project folder, so file names in
//                  the reports read "<basename of DIR>/...".
//   --reports DIR  checked-in reports (default libs/observability/api)
//   --temp DIR     where the freshly generated reports go (default .tmp/api-report)
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import {
  basename,
  dirname,
  isAbsolute,
  join,
  relative,
  resolve,
} from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CompilerState,
  ConsoleMessageId,
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  ExtractorMessageCategory,
} from '@microsoft/api-extractor';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LIB = join(REPO_ROOT, 'libs', 'observability');
const CONFIG_DIR = join(LIB, 'api-extractor');
const PACKAGE_JSON = join(LIB, 'package.json');

const USAGE =
  'Usage: node scripts/api-report.mjs --check|--update [--dist DIR] [--reports DIR] [--temp DIR]';

/** Repository-relative when inside it: short, and the same on every machine. */
function show(path) {
  const rel = relative(REPO_ROOT, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function fail(message, code = 1) {
  console.error(message);
  process.exit(code);
}

let args;
try {
  args = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      update: { type: 'boolean', default: false },
      dist: { type: 'string' },
      reports: { type: 'string' },
      temp: { type: 'string' },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(`${error.message}\n${USAGE}`, 2);
}
if (args.check === args.update) fail(USAGE, 2);
const update = args.update;

// One report per "exports" entry that has declarations: a new entry point
// without an API Extractor config fails instead of going unreviewed.
const { exports: packageExports } = JSON.parse(
  readFileSync(PACKAGE_JSON, 'utf8'),
);
const entries = Object.entries(packageExports)
  .filter(([, target]) => typeof target === 'object' && target.types)
  .map(([subpath, target]) => ({
    subpath,
    name: basename(target.types, '.d.ts'),
  }));

const distOption = args.dist === undefined ? undefined : resolve(args.dist);
if (distOption !== undefined && show(distOption) === distOption) {
  fail(
    `--dist ${distOption} is outside ${REPO_ROOT}: the declarations import packages that resolve from the repository's node_modules`,
    2,
  );
}

// Said on every run, or replaced by this script's own summary lines.
const QUIET = new Set([
  ConsoleMessageId.Preamble, // "Analysis will use the bundled TypeScript version ..."
  ConsoleMessageId.ApiReportNotCopied,
  ConsoleMessageId.ApiReportCopied,
  ConsoleMessageId.ApiReportCreated,
]);

const failures = [];
const jobs = [];
for (const { subpath, name } of entries) {
  const label = `${name} (${subpath})`;
  const configPath = join(CONFIG_DIR, `${name}.json`);
  if (!existsSync(configPath)) {
    failures.push(`${label}: no API Extractor config ${show(configPath)}`);
    continue;
  }
  const config = ExtractorConfig.loadFile(configPath);
  // Defaults come from the config, with <projectFolder> as the config has it.
  const expand = (path) =>
    resolve(path.replace('<projectFolder>', config.projectFolder));
  const defaultEntry = expand(config.mainEntryPointFilePath);
  const dist = distOption ?? dirname(defaultEntry);
  const entryFile = join(dist, basename(defaultEntry));
  const reportFolder = args.reports
    ? resolve(args.reports)
    : expand(config.apiReport.reportFolder);
  const tempFolder = args.temp
    ? resolve(args.temp)
    : expand(config.apiReport.reportTempFolder);
  const fileName = `${config.apiReport.reportFileName}.api.md`;
  if (!existsSync(entryFile)) {
    failures.push(
      `${label}: ${show(entryFile)} does not exist; run \`npm run build:lib\` first`,
    );
    continue;
  }

  config.projectFolder = dirname(dist);
  config.mainEntryPointFilePath = entryFile;
  config.compiler.overrideTsconfig.files = [entryFile];
  config.apiReport.reportFolder = reportFolder;
  config.apiReport.reportTempFolder = tempFolder;
  jobs.push({
    name,
    label,
    entryFile,
    reportFolder,
    reportFile: join(reportFolder, fileName),
    tempFile: join(tempFolder, fileName),
    extractorConfig: ExtractorConfig.prepare({
      configObject: config,
      configObjectFullPath: configPath,
      packageJsonFullPath: PACKAGE_JSON,
    }),
  });
}

// One TypeScript program for all entries (they share most declarations).
const compilerState =
  jobs.length > 0
    ? CompilerState.create(jobs[0].extractorConfig, {
        additionalEntryPoints: jobs.map((job) => job.entryFile),
      })
    : undefined;

for (const job of jobs) {
  const { name, label, reportFile, tempFile } = job;
  const reportExisted = existsSync(reportFile);
  if (update) mkdirSync(job.reportFolder, { recursive: true });

  const problems = [];
  const result = Extractor.invoke(job.extractorConfig, {
    compilerState,
    localBuild: update,
    printApiReportDiff: !update,
    messageCallback(message) {
      message.handled = true;
      if (QUIET.has(message.messageId)) return;
      const text =
        message.category === ExtractorMessageCategory.Console
          ? message.text
          : message.formatMessageWithLocation(
              job.extractorConfig.projectFolder,
            );
      switch (message.logLevel) {
        case ExtractorLogLevel.Error:
        case ExtractorLogLevel.Warning:
          console.error(`[${name}] ${message.logLevel}: ${text}`);
          if (message.messageId !== ConsoleMessageId.ApiReportDiff) {
            problems.push(text);
          }
          break;
        case ExtractorLogLevel.Info:
          console.log(`[${name}] ${text}`);
          break;
      }
    },
  });

  if (update) {
    if (!result.succeeded) {
      failures.push(
        `${label}: API Extractor reported ${result.errorCount} error(s)`,
      );
    } else if (!reportExisted) {
      console.log(`${label}: created ${show(reportFile)} (add it to Git)`);
    } else if (result.apiReportChanged) {
      console.log(`${label}: updated ${show(reportFile)}`);
    } else {
      console.log(`${label}: ${show(reportFile)} unchanged`);
    }
    continue;
  }
  if (!reportExisted) {
    failures.push(
      `${label}: ${show(reportFile)} is missing; the current surface is in ${show(tempFile)}`,
    );
  } else if (result.apiReportChanged) {
    failures.push(
      `${label}: ${show(reportFile)} is out of date (the public API changed; diff above, or: diff -u ${show(reportFile)} ${show(tempFile)})`,
    );
  }
  if (problems.length > 0) {
    failures.push(
      `${label}: API Extractor reported ${problems.length} problem(s) besides the report:\n    ${problems.join('\n    ')}`,
    );
  }
  if (result.succeeded) console.log(`${label}: ${show(reportFile)} is current`);
}

if (failures.length > 0) {
  fail(
    `API report ${update ? 'update' : 'check'} failed:\n  ${failures.join('\n  ')}` +
      (update
        ? ''
        : '\nIf the change is intended, run `npm run api:update` and commit the updated report(s) with it.'),
  );
}
