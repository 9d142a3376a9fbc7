/** The `catalog` function's actions: what shoppers browse. Type-only; money is integer fen. */

/** A product as a list shows it. */
export interface ProductSummary {
  _id: string
  name: string
  priceFen: number
  /** Cloud fileIDs (cloud://...) of the product's images, cover first; may be empty. */
  images: string[]
}

export interface CatalogApi {
  /** Products on sale, in the store's display order (`sort` ascending). */
  listProducts: {
    request: Record<string, never>
    response: { products: ProductSummary[] }
  }
}
