import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A small ML project as researchers have them: a training script, YAML configs, a launcher
 * script with its execute bit, a TOML, a `.gitignore` and a README. The tests' sample project
 * (tests/fixtures/sample-project.ts) is this plus the awkward parts (symlinks to a data disk, a
 * binary checkpoint, `.git`, `node_modules`); `labdesk demo` adds a model package and its own
 * README through `extraFiles`. Tests look for these exact names, so change them with care.
 */
export const SAMPLE_ML_FILES: Readonly<Record<string, string>> = {
  'train.py':
    'import yaml\n\n\ndef main(config_path: str) -> None:\n    config = yaml.safe_load(open(config_path))\n    print("lr", config["optimizer"]["lr"])\n\n\nif __name__ == "__main__":\n    main("configs/base.yaml")\n',
  'configs/base.yaml': 'model:\n  name: resnet50\n  pretrained: true\noptimizer:\n  name: adamw\n  lr: 0.0003\n',
  'configs/sweep/lr_small.yaml': 'optimizer:\n  lr: 0.0001\n',
  'scripts/launch.sh': '#!/usr/bin/env bash\nset -euo pipefail\npython train.py "$@"\n',
  'pyproject.toml': '[project]\nname = "vision-lab"\nversion = "0.1.0"\ndependencies = ["torch>=2.4", "pyyaml"]\n',
  'setup.cfg': '[flake8]\nmax-line-length = 100\n',
  'README.md': '# Vision lab\n\nTrain with `bash scripts/launch.sh`.\n',
  'notes.json': '{"best_run": null}\n',
  '.gitignore': '__pycache__/\noutput/\n',
};

/** Files that must keep their execute bit (and show it survives a sync). */
export const SAMPLE_ML_EXECUTABLES: readonly string[] = ['scripts/launch.sh'];

/**
 * Writes the sample project into `dir` (created if needed); `extraFiles` replace or add files
 * (POSIX relative paths). Returns `dir`.
 */
export async function writeSampleMlProject(dir: string, extraFiles: Readonly<Record<string, string>> = {}): Promise<string> {
  for (const [relative, text] of Object.entries({ ...SAMPLE_ML_FILES, ...extraFiles })) {
    const file = path.join(dir, ...relative.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  for (const relative of SAMPLE_ML_EXECUTABLES) await chmod(path.join(dir, ...relative.split('/')), 0o755);
  return dir;
}
