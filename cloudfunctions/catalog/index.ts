/**
 * `catalog`: what shoppers browse (works without an OPENID, Moments single-page mode) and the
 * owner's catalogue tools (`admin.*`, owners only through requireOwner).
 */
import { z } from 'zod'
import { action, defineFunction } from '../../backend/handler'
import { requireOwner } from '../../backend/roles'
import { adjustStock, createProduct, listAllProducts, ownerProduct, saveCategories, setOnSale, updateProduct } from './admin'
import { listCategories, listProducts, productDetail } from './shop'

const DEFAULT_PAGE_SIZE = 20
const MAX_PAGE_SIZE = 50

/** Ids as products, SKUs and categories use them (a product id also fits a mini program code's scene). */
const productId = z.string().regex(/^[0-9A-Za-z_-]{1,23}$/)
const skuId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/)
const categoryId = z.string().regex(/^[0-9A-Za-z_-]{1,32}$/)
const requestId = z.string().regex(/^[0-9A-Za-z_-]{8,64}$/)
const cursor = z.string().min(1).max(512)
const pageSize = z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE)
const fen = z.number().int().min(0).max(100_000_000)
const text = (max: number) => z.string().trim().min(1).max(max)
/** An image the client uploaded with wx.cloud.uploadFile: its cloud fileID. */
const fileId = z.string().regex(/^cloud:\/\/[^\s/]+\/[^\s]{1,850}$/)

const skuDraft = z
  .object({
    specValues: z.array(text(32)).max(5),
    priceFen: fen,
    stock: z.number().int().min(0).max(10_000_000).optional(),
    onSale: z.boolean(),
  })
  .strict()

const productDraft = z
  .object({
    name: text(60),
    categoryId,
    description: z.string().max(2000).optional(),
    images: z.array(fileId).max(9),
    specNames: z.array(text(16)).max(5),
    skus: z.array(skuDraft).min(1).max(100),
    onSale: z.boolean(),
    sort: z.number().int().min(-1_000_000).max(1_000_000),
  })
  .strict()

const owner = <T>(run: (data: T) => Promise<unknown>) => ({ data, caller }: { data: T; caller: Parameters<typeof requireOwner>[0] }) => {
  requireOwner(caller)
  return run(data)
}

export const main = defineFunction('catalog', {
  categories: action({ schema: z.object({}).strict(), run: () => listCategories() }),
  listProducts: action({
    schema: z.object({ categoryId: categoryId.optional(), keyword: text(30).optional(), cursor: cursor.optional(), pageSize }).strict(),
    run: ({ data }) => listProducts(data),
  }),
  product: action({ schema: z.object({ productId }).strict(), run: ({ data }) => productDetail(data.productId) }),

  'admin.products': action({
    schema: z.object({ keyword: text(30).optional(), categoryId: categoryId.optional(), onSale: z.boolean().optional(), cursor: cursor.optional(), pageSize }).strict(),
    run: owner(({ cursor, pageSize, ...filter }: { keyword?: string; categoryId?: string; onSale?: boolean; cursor?: string; pageSize: number }) => listAllProducts(filter, cursor, pageSize)),
  }),
  'admin.product': action({
    schema: z.object({ productId }).strict(),
    run: owner((data: { productId: string }) => ownerProduct(data.productId)),
  }),
  'admin.createProduct': action({
    schema: z.object({ requestId, product: productDraft }).strict(),
    run: owner((data: { requestId: string; product: z.output<typeof productDraft> }) => createProduct(data.requestId, data.product)),
  }),
  'admin.updateProduct': action({
    schema: z.object({ productId, product: productDraft }).strict(),
    run: owner((data: { productId: string; product: z.output<typeof productDraft> }) => updateProduct(data.productId, data.product)),
  }),
  'admin.adjustStock': action({
    schema: z
      .object({ skuId, delta: z.number().int().min(-10_000_000).max(10_000_000).refine((d) => d !== 0, 'delta must not be 0'), requestId, reason: text(60).regex(/^[^\p{Cc}]+$/u) })
      .strict(),
    run: owner((data: { skuId: string; delta: number; requestId: string; reason: string }) => adjustStock(data.skuId, data.delta, data.requestId, data.reason)),
  }),
  'admin.saveCategories': action({
    schema: z.object({ categories: z.array(z.object({ _id: categoryId, name: text(16), sort: z.number().int().min(-1_000_000).max(1_000_000) }).strict()).max(50) }).strict(),
    run: owner((data: { categories: Array<{ _id: string; name: string; sort: number }> }) => saveCategories(data.categories)),
  }),
  'admin.setOnSale': action({
    schema: z.object({ productIds: z.array(productId).min(1).max(100), onSale: z.boolean() }).strict(),
    run: owner((data: { productIds: string[]; onSale: boolean }) => setOnSale(data.productIds, data.onSale)),
  }),
})
