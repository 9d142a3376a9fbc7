/** The part of miniprogram-exparser (untyped) the preview uses. */
declare module 'miniprogram-exparser' {
  const exparser: {
    Event: {
      create(name: string, detail: unknown, options: Record<string, unknown>): unknown
      dispatchEvent(target: unknown, event: unknown): void
    }
    Element: { getMethodCaller(node: unknown): unknown }
    [key: string]: unknown
  }
  export default exparser
}
