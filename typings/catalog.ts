/**
 * The `catalog` function's actions: what shoppers browse (no identity needed, so Moments
 * single-page mode works) and the owner's catalogue tools (`admin.*`, owners only). Type-only;
 * money is integer fen; images are cloud fileIDs (`cloud://...`).
 */

export interface Category {
  _id: string
  name: string
  /** Display order, ascending. */
  sort: number
}

/** A product as a list shows it. */
export interface ProductSummary {
  _id: string
  name: string
  categoryId: string
  /** The cover image (the first of the product's images), or null. */
  cover: string | null
  /** The lowest price among its SKUs on sale: the "from" price. */
  fromPriceFen: number
  /** The highest price among its SKUs on sale (= fromPriceFen when all cost the same). */
  toPriceFen: number
  /** No SKU on sale has stock left. */
  soldOut: boolean
}

/** One SKU as a shopper chooses it. */
export interface SkuView {
  _id: string
  /** One value per product spec name, in `specNames` order ([] without specs). */
  specValues: string[]
  /** e.g. '500g / 礼盒' ('' without specs). */
  spec: string
  priceFen: number
  /** Units that can be bought now. */
  available: number
  onSale: boolean
}

export interface ProductDetail extends ProductSummary {
  description: string
  /** All images, cover first. */
  images: string[]
  /** The product's spec dimensions, e.g. ['规格', '包装'] ([] without specs). */
  specNames: string[]
  skus: SkuView[]
}

/** One SKU as the owner manages it: the shopper's view plus where its units are. */
export interface AdminSkuView extends Omit<SkuView, 'available'> {
  stock: number
  reserved: number
  sold: number
  /** Orders holding reserved units of it (it cannot be deleted while any do). */
  holds: number
}

export interface AdminProductView {
  _id: string
  name: string
  categoryId: string
  description: string
  images: string[]
  specNames: string[]
  onSale: boolean
  sort: number
  /** Epoch ms. */
  createdAt: number
  minPriceFen: number | null
  maxPriceFen: number | null
  skus: AdminSkuView[]
}

/** One SKU as the owner writes it; it is identified by its spec values (a new combination is a new SKU). */
export interface SkuDraft {
  /** One value per spec name ([] for a product without specs). */
  specValues: string[]
  priceFen: number
  /** Initial stock, used only when this SKU is new; change an existing SKU's stock with `admin.adjustStock`. */
  stock?: number
  onSale: boolean
}

export interface ProductDraft {
  name: string
  categoryId: string
  description?: string
  /** cloud fileIDs the client uploaded (wx.cloud.uploadFile), cover first. */
  images: string[]
  specNames: string[]
  skus: SkuDraft[]
  onSale: boolean
  sort: number
}

export interface SaveProductResponse {
  product: AdminProductView
  /** SKUs left out of the draft that still had holds or sales, so they were taken off sale instead of deleted. */
  keptOffSale: string[]
}

/** What the owner's product list narrows by (all optional; together they all apply). */
export interface AdminProductFilter {
  /** Part of the name, matched literally and case-insensitively (1-30 characters). */
  keyword?: string
  categoryId?: string
  /** true: on sale only; false: off sale only. */
  onSale?: boolean
}

export interface CatalogApi {
  /** The store's categories in display order. */
  categories: { request: Record<string, never>; response: { categories: Category[] } }
  /**
   * Products on sale in display order (`sort`, then id), optionally of one category and/or whose
   * name contains `keyword` (literally, case-insensitive). Pass `nextCursor` back as `cursor` for
   * the next page; null on the last page.
   */
  listProducts: {
    request: { categoryId?: string; keyword?: string; cursor?: string; pageSize?: number }
    response: { products: ProductSummary[]; nextCursor: string | null }
  }
  /** One product on sale with its images, specs and SKUs; NOT_FOUND when missing or off sale. */
  product: { request: { productId: string }; response: { product: ProductDetail } }

  /**
   * Owner: every product (on sale or not) in display order, with each SKU's stock, reserved and
   * sold, optionally narrowed (AdminProductFilter). Pass `nextCursor` back as `cursor` with the
   * same filter for the next page.
   */
  'admin.products': {
    request: AdminProductFilter & { cursor?: string; pageSize?: number }
    response: { products: AdminProductView[]; nextCursor: string | null }
  }
  /** Owner: one product, on sale or not, with all its SKUs; NOT_FOUND when it does not exist. */
  'admin.product': { request: { productId: string }; response: { product: AdminProductView } }
  /** Owner: creates a product with its SKUs, once per client request id (a retry answers the same product). */
  'admin.createProduct': { request: { requestId: string; product: ProductDraft }; response: SaveProductResponse }
  /** Owner: replaces a product's fields and SKUs; SKUs left out are deleted, or taken off sale while they have holds or sales. */
  'admin.updateProduct': { request: { productId: string; product: ProductDraft }; response: SaveProductResponse }
  /**
   * Owner: adds `delta` units to a SKU's stock (negative removes), once per client request id;
   * stock never goes below zero. `reason` (1-60 characters, e.g. 到货, 盘点, 损耗) is recorded in
   * the SKU's stock log entry with the change.
   */
  'admin.adjustStock': {
    request: { skuId: string; delta: number; requestId: string; reason: string }
    response: { sku: AdminSkuView; applied: boolean }
  }
  /** Owner: saves the categories (upserts these; deletes the others, refused while a product is in one). */
  'admin.saveCategories': { request: { categories: Category[] }; response: { categories: Category[] } }
  /** Owner: puts products on or off sale. */
  'admin.setOnSale': { request: { productIds: string[]; onSale: boolean }; response: { updated: number } }
}
