/** What the build tells the browser runtime about the mini program (from app.json and each page's JSON). */
export interface PreviewPage {
  /** e.g. `pages/home/index`, `seller/customers/index` */
  route: string
  classPrefix: string
  json: Record<string, unknown>
  /** tag -> component module path */
  usingComponents: Record<string, string>
}

export interface PreviewComponent {
  path: string
  classPrefix: string
  json: Record<string, unknown>
  usingComponents: Record<string, string>
}

export interface PreviewManifest {
  app: Record<string, unknown>
  pages: PreviewPage[]
  components: PreviewComponent[]
}

/** Evaluates one module of the mini program (its Page()/Component()/App() call runs then). */
export type ModuleLoaders = Record<string, () => unknown>

/** wcc's `$gwx`: the template function of a `.wxml` path relative to the mini program root. */
export type Templates = (wxmlPath: string) => unknown
