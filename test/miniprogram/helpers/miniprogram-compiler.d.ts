/** The part of miniprogram-compiler (bundled with miniprogram-simulate, untyped) the tests use. */
declare module 'miniprogram-compiler' {
  /** Runs wcc over every .wxml under rootPath; answers the source of a function returning $gwx, or throws with wcc's message. */
  export function wxmlToJs(rootPath: string, compilerOptions?: Record<string, unknown>): string
  export function wxssToJs(rootPath: string, compilerOptions?: Record<string, unknown>): string
  const compiler: { wxmlToJs: typeof wxmlToJs; wxssToJs: typeof wxssToJs }
  export default compiler
}
