// Deterministic project trees for the sync benchmark (same bytes on every run: a seeded PRNG).

import { randomFillSync } from 'node:crypto';
import { chmod, mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface TreeSummary {
  readonly files: number;
  readonly bytes: number;
}

/** Mulberry32: tiny, seeded, good enough to vary sizes and text. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['model', 'layer', 'tensor', 'batch', 'loss', 'optimizer', 'config', 'dataset', 'epoch', 'grad', 'weight', 'attention', 'embed', 'token', 'step', 'eval'];

/** Source-like text of about `size` bytes. */
function text(random: () => number, size: number): string {
  const lines: string[] = [];
  let length = 0;
  while (length < size) {
    const indent = '    '.repeat(Math.floor(random() * 3));
    const words = Array.from({ length: 2 + Math.floor(random() * 8) }, () => WORDS[Math.floor(random() * WORDS.length)]);
    const line = `${indent}${words.join('_')} = ${Math.floor(random() * 100000)}  # ${words.reverse().join(' ')}`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n').slice(0, size);
}

class TreeWriter {
  files = 0;
  bytes = 0;
  private readonly made = new Set<string>();

  constructor(private readonly root: string) {}

  async file(rel: string, content: string | Buffer, mode?: number): Promise<void> {
    const full = path.join(this.root, rel);
    const dir = path.dirname(full);
    if (!this.made.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.made.add(dir);
    }
    await writeFile(full, content);
    if (mode !== undefined) await chmod(full, mode);
    this.files += 1;
    this.bytes += Buffer.byteLength(content);
  }
}

/** ~800 files shaped like an ML research repo: mostly small .py/.yaml/.md, a few 100 KB+ files, nested folders. */
export async function writeMlTree(root: string): Promise<TreeSummary> {
  const random = prng(42);
  const w = new TreeWriter(root);
  const size = (min: number, max: number) => Math.floor(min + random() * (max - min));
  for (const name of ['README.md', 'pyproject.toml', 'setup.py', 'requirements.txt', '.gitignore', 'Makefile']) await w.file(name, text(random, size(300, 4000)));
  const packages = { models: 40, 'models/layers': 25, 'models/layers/attention': 15, data: 30, 'data/transforms': 20, training: 25, utils: 30, eval: 20 };
  for (const [pkg, count] of Object.entries(packages)) {
    for (let i = 0; i < count; i++) await w.file(`src/labproj/${pkg}/mod_${i}.py`, text(random, size(800, 12000)));
    await w.file(`src/labproj/${pkg}/__init__.py`, text(random, 120));
  }
  for (const model of ['resnet', 'vit', 'llama', 'unet']) {
    for (const dataset of ['imagenet', 'cifar', 'c4', 'coco']) {
      for (let i = 0; i < 12; i++) await w.file(`configs/experiments/${model}/${dataset}/run_${i}.yaml`, text(random, size(300, 3000)));
    }
  }
  for (let i = 0; i < 30; i++) await w.file(`scripts/launch_${i}.sh`, `#!/bin/bash\n${text(random, size(200, 2000))}\n`, 0o755);
  for (let i = 0; i < 150; i++) await w.file(`tests/${['unit', 'integration', 'unit/models'][i % 3]}/test_${i}.py`, text(random, size(500, 6000)));
  for (let i = 0; i < 80; i++) await w.file(`docs/${i % 2 ? 'guides/' : ''}page_${i}.md`, text(random, size(1000, 8000)));
  for (let i = 0; i < 8; i++) await w.file(`notebooks/explore_${i}.ipynb`, text(random, size(100_000, 300_000)));
  for (const name of ['vocab.json', 'merges.txt', 'tokenizer.model', 'class_names.json', 'sample_batch.npy']) {
    await w.file(`assets/${name}`, text(random, size(100_000, 140_000)));
  }
  return { files: w.files, bytes: w.bytes };
}

/** ~5,000 files and ~60 MB: a bigger repo with vendored code and some data files. */
export async function writeLargeTree(root: string): Promise<TreeSummary> {
  const random = prng(7);
  const w = new TreeWriter(root);
  for (let i = 0; i < 4900; i++) {
    const dir = `pkg${i % 25}/sub${Math.floor(i / 25) % 8}/${i % 3 ? 'impl' : 'api'}`;
    await w.file(`${dir}/file_${i}.${['py', 'yaml', 'md', 'json'][i % 4]}`, text(random, Math.floor(2000 + random() * 16000)));
  }
  for (let i = 0; i < 100; i++) await w.file(`data/shard_${i}.jsonl`, text(random, Math.floor(90_000 + random() * 40_000)));
  return { files: w.files, bytes: w.bytes };
}

/** One big incompressible file (a checkpoint). */
export async function writeBigFile(file: string, bytes: number): Promise<TreeSummary> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'w');
  try {
    const chunk = Buffer.allocUnsafe(8 * 1024 * 1024);
    for (let written = 0; written < bytes; written += chunk.length) {
      randomFillSync(chunk);
      await handle.write(chunk, 0, Math.min(chunk.length, bytes - written));
    }
  } finally {
    await handle.close();
  }
  return { files: 1, bytes };
}
