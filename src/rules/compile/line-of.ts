import type { DocPath } from '../yaml-source';

/** Line (1-based) at which a path starts in the file being compiled. */
export type LineOf = (path: DocPath) => number;
