import { getCustomer } from '../../services/customers'
import { LOADING_DETAIL, toDetailErrorView, toDetailView, type CustomerDetailView } from '../../customer-list/customer-view'

interface CustomerMethods {
  customerId: string
  load(): Promise<void>
  onRetry(): Promise<void>
}

Page<CustomerDetailView, CustomerMethods>({
  data: { ...LOADING_DETAIL },

  customerId: '',

  onLoad(query: Record<string, string | undefined>) {
    this.customerId = query.customerId ?? ''
    return this.load()
  },

  onRetry() {
    this.setData({ ...LOADING_DETAIL })
    return this.load()
  },

  async load() {
    let view: CustomerDetailView
    try {
      view = toDetailView(await getCustomer(this.customerId))
    } catch (err) {
      view = toDetailErrorView(err)
    }
    this.setData(view)
    if (view.status === 'ready') wx.setNavigationBarTitle({ title: view.name })
  },
})
