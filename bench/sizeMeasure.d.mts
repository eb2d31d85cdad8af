// Types of bench/sizeMeasure.mjs for the TypeScript tests that use it (test/bundleSize.test.ts).
export declare const root: string
export declare const PATHS: { dropIn: string[]; hook: string[] }
export declare const CEILINGS: { dropIn: number; hook: number }
export declare const GOALS: { dropIn: number; hook: number }
export declare const PEERS: string[]
export interface ModuleShare {
  /** The source module, e.g. `core/clients/driveKeyStore`. */
  name: string
  /** Gzip bytes the path loses without it. */
  bytes: number
  /** Minified bytes (esbuild's bytesInOutput). */
  min: number
}
export interface SizeMeasure {
  /** Minified, gzipped (level 9). */
  bytes: number
  /** Minified. */
  minBytes: number
  /** The minified bundle. */
  code: string
  byModule: ModuleShare[]
}
export declare function measure(
  names: string[] | '*',
  options?: { dist?: string; entry?: string },
): Promise<SizeMeasure>
export declare function builtClient(): Promise<{ dist: string; fresh: boolean }>
