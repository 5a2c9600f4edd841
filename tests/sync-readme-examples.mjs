#!/usr/bin/env node
// Rewrites every README code block marked `<!-- example: FILE -->` with FILE's current text
// (npm run sync-examples --workspace=@ame/tests). tests/test/readme-examples-run.test.ts
// fails while a block and its file differ.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const readmes = ['README.md'];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group)).sort()) {
    if (existsSync(join(root, group, name, 'README.md'))) readmes.push(`${group}/${name}/README.md`);
  }
}
for (const readme of readmes) {
  const path = join(root, readme);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(
    /^<!-- example: (\S+) -->\n\n```(\S*)\n[\s\S]*?^```$/gm,
    (_, file, lang) =>
      `<!-- example: ${file} -->\n\n\`\`\`${lang}\n${readFileSync(join(root, dirname(readme), file), 'utf8')}\`\`\``,
  );
  if (after !== before) {
    writeFileSync(path, after);
    console.log(`updated ${readme}`);
  }
}
