import { productDetail } from '../../services/catalog'
import { getMyBinding, getPosterCode, getShareCard } from '../../services/referral'
import { displayUrls, isApiError } from '../../services/transport'
import { errorMessage, toastError } from '../../utils/errors'
import { authorizeAlbum } from '../../utils/privacy'
import { cardPath, LOADING_SHARE, posterLayout, productLine, timelineQuery, type ShareView } from './share-view'

interface ShareMethods {
  productId: string
  /** The sharer's code when someone else's Moments share opened this page (kept when they share it on). */
  visitorRef: string
  load(): Promise<void>
  posterCodeImage(): Promise<string>
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
      // a visitor still sees the store when the product is gone; the seller gets the not-found state (nothing to share)
      const product = productId ? await productDetail(productId).catch((err) => (this.data.visitor && isApiError(err) && err.code === 'NOT_FOUND' ? undefined : Promise.reject(err))) : undefined
      if (this.data.visitor) {
        const [productImage] = await displayUrls([product?.images[0]])
        this.setData({ status: 'ready', title: '小店', productImage, ...productLine(product) })
        return
      }
      // a visit records no share: the card is asked for when sharing, the poster's code when the poster is made
      // (only someone without a code yet gets one through a card now)
      const shortCode = (await getMyBinding()).shortCode ?? (await getShareCard(productId)).shortCode
      const [productImage] = await displayUrls([product?.images[0]])
      this.setData({ status: 'ready', title: product?.name ?? '小店', shortCode, productImage, ...productLine(product) })
    } catch (err) {
      this.setData({ status: 'error', errorMessage: errorMessage(err) })
    }
  },

  /** A card with the code known now; WeChat then waits (up to 3 s) for the card `referral.shareCard` makes, which records the share. */
  onShareAppMessage() {
    const code = this.data.visitor ? '' : this.data.shortCode
    if (!code) return { title: '小店', path: '/pages/home/index' }
    const productId = this.productId || undefined
    const imageUrl = this.data.productImage || undefined
    const now = { title: this.data.productName || this.data.title, path: cardPath(code, productId), imageUrl }
    const promise = getShareCard(productId)
      .then((card) => ({ title: card.title, path: card.path, imageUrl }))
      .catch(() => now) // the call failed: the card as it stands
    return { ...now, promise }
  },

  onShareTimeline() {
    const code = (this.data.visitor ? '' : this.data.shortCode) || this.visitorRef
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

  /** The poster's mini program code, asked for (and so recorded as a share) once, when a poster is first made. */
  async posterCodeImage() {
    if (this.data.codeImage) return this.data.codeImage
    const code = await getPosterCode(this.productId || undefined)
    const [codeImage] = await displayUrls([code.fileID])
    this.setData({ codeImage })
    return codeImage
  },

  async drawPoster() {
    const codeImage = await this.posterCodeImage()
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
            const code = await loadImage(canvas, codeImage)
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
