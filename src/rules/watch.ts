/**
 * Watches a rules directory and calls back once per burst of changes (editors write a
 * file in several steps; a debounce turns that into one reload).
 */
import { watch, type FSWatcher } from 'node:fs';

export interface RulesWatcher {
  close(): void;
}

/** Calls `onChange` `debounceMs` after the last change to a YAML file in `dir`. */
export function watchRulesDir(dir: string, onChange: () => void, debounceMs: number): RulesWatcher {
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dir, { persistent: false }, (_event, fileName) => {
    if (fileName !== null && !/\.ya?ml$/.test(String(fileName))) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  watcher.on('error', () => undefined); // a vanished directory shows up as a failed reload instead
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
