import { productDetail } from '../../services/catalog'
import { getPosterCode, getShareCard, type ShareCard } from '../../services/referral'
import { displayUrls, isApiError } from '../../services/transport'
import { errorMessage, toastError } from '../../utils/errors'
import { authorizeAlbum } from '../../utils/privacy'
import { LOADING_SHARE, posterLayout, productLine, timelineQuery, type ShareView } from './share-view'

interface ShareMethods {
  productId: string
  /** The sharer's code when someone else's Moments share opened this page (kept when they share it on). */
  visitorRef: string
  card: ShareCard | null
  load(): Promise<void>
  onRetry(): Promise<void>
  onDrawPoster(): Promise<void>
  onSavePoster(): Promise<void>
  drawPoster(): Promise<WechatMiniprogram.Canvas>
  canvas: WechatMiniprogram.Canvas | null
}

function loadImage(canvas: WechatMiniprogram.Canvas, src: string): Promise<WechatMiniprogram.Image> {
  return new Promise((resolve, reject) => {
    const image = canvas.createImage()
    image.onload = () => resolve(image)
    image.onerror = reject
    image.src = src
  })
}

Page<ShareView, ShareMethods>({
  data: { ...LOADING_SHARE },
  productId: '',
  visitorRef: '',
  card: null,
  canvas: null,

  onLoad(query: Record<string, string | undefined>) {
    this.productId = query.productId ?? query.id ?? ''
    // someone opening a Moments share of this page (single-page mode): the store, not the seller's tools
    this.visitorRef = query.ref ?? ''
    this.setData({ visitor: !!query.ref })
    wx.showShareMenu({ withShareTicket: true, menus: ['shareAppMessage', 'shareTimeline'] })
    return this.load()
  },

  onRetry() {
    this.setData({ ...LOADING_SHARE, visitor: this.data.visitor })
    return this.load()
  },

  async load() {
    try {
      const productId = this.productId || undefined
      const product = productId ? await productDetail(productId).catch((err) => (isApiError(err) && err.code === 'NOT_FOUND' ? undefined : Promise.reject(err))) : undefined
      if (this.data.visitor) {
        const [productImage] = await displayUrls([product?.images[0]])
        this.setData({ status: 'ready', title: '小店', productImage, ...productLine(product) })
        return
      }
      const [card, code] = await Promise.all([getShareCard(productId), getPosterCode(productId)])
      this.card = card
      const [productImage, codeImage] = await displayUrls([card.imageUrl ?? product?.images[0], code.fileID])
      this.setData({ status: 'ready', title: card.title, shortCode: card.shortCode, productImage, codeImage, ...productLine(product) })
    } catch (err) {
      this.setData({ status: 'error', errorMessage: errorMessage(err) })
    }
  },

  onShareAppMessage() {
    const card = this.card
    if (!card) return { title: '小店', path: '/pages/home/index' }
    return { title: card.title, path: card.path, imageUrl: this.data.productImage || undefined }
  },

  onShareTimeline() {
    const code = this.card?.shortCode ?? this.visitorRef
    return { title: this.data.productName || this.data.title, query: code ? timelineQuery(code, this.productId || undefined) : '' }
  },

  async onDrawPoster() {
    if (this.data.busy) return
    this.setData({ busy: true })
    wx.showLoading({ title: '生成中', mask: true })
    try {
      await this.drawPoster()
      this.setData({ posterDrawn: true })
      wx.hideLoading()
    } catch (err) {
      wx.hideLoading()
      toastError(err)
    } finally {
      this.setData({ busy: false })
    }
  },

  drawPoster() {
    return new Promise<WechatMiniprogram.Canvas>((resolve, reject) => {
      wx.createSelectorQuery()
        .select('#poster')
        .fields({ node: true, size: true })
        .exec(async (res: Array<{ node?: WechatMiniprogram.Canvas; width?: number } | null>) => {
          try {
            const canvas = res[0]?.node
            if (!canvas) throw new Error('poster canvas is not on the page')
            const layout = posterLayout(res[0]?.width ?? 300, { title: this.data.title, productName: this.data.productName, priceText: this.data.priceText, hasImage: !!this.data.productImage })
            const ratio = wx.getWindowInfo().pixelRatio
            canvas.width = layout.width * ratio
            canvas.height = layout.height * ratio
            const ctx = canvas.getContext('2d') as WechatMiniprogram.RenderingContext & CanvasRenderingContext2DLike
            ctx.scale(ratio, ratio)
            ctx.fillStyle = '#ffffff'
            ctx.fillRect(0, 0, layout.width, layout.height)
            if (layout.image && this.data.productImage) {
              const image = await loadImage(canvas, this.data.productImage)
              ctx.drawImage(image, layout.image.x, layout.image.y, layout.image.size, layout.image.size)
            }
            for (const t of layout.texts) {
              ctx.font = t.font
              ctx.fillStyle = t.color
              ctx.fillText(t.text, t.x, t.y)
            }
            const code = await loadImage(canvas, this.data.codeImage)
            ctx.drawImage(code, layout.code.x, layout.code.y, layout.code.size, layout.code.size)
            this.canvas = canvas
            resolve(canvas)
          } catch (err) {
            reject(err)
          }
        })
    })
  },

  async onSavePoster() {
    if (this.data.busy) return
    this.setData({ busy: true })
    try {
      if (!(await authorizeAlbum())) {
        wx.showToast({ title: '需要允许保存到相册', icon: 'none' })
        return
      }
      wx.showLoading({ title: '保存中', mask: true })
      const canvas = this.canvas ?? (await this.drawPoster())
      const { tempFilePath } = await new Promise<WechatMiniprogram.CanvasToTempFilePathSuccessCallbackResult>((resolve, reject) =>
        wx.canvasToTempFilePath({ canvas, fileType: 'png', success: resolve, fail: reject } as WechatMiniprogram.CanvasToTempFilePathOption),
      )
      await new Promise((resolve, reject) => wx.saveImageToPhotosAlbum({ filePath: tempFilePath, success: resolve, fail: reject }))
      wx.hideLoading()
      wx.showToast({ title: '海报已保存到相册', icon: 'success' })
    } catch (err) {
      wx.hideLoading()
      toastError(err)
    } finally {
      this.setData({ busy: false })
    }
  },
})

/** The 2D context calls the poster uses (the typings give the context as `any`-like). */
interface CanvasRenderingContext2DLike {
  scale(x: number, y: number): void
  fillRect(x: number, y: number, w: number, h: number): void
  fillText(text: string, x: number, y: number): void
  drawImage(image: unknown, x: number, y: number, w: number, h: number): void
  font: string
  fillStyle: string
}
