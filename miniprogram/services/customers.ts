/** A seller's (or owner's) customers: the only module that calls the `customers` function. */
import type { CustomerDetailResponse, ListCustomersRequest, ListCustomersResponse } from '../../typings/customers'
import { callFunction } from './transport'

/** One page of customers; pass the previous page's nextCursor as `cursor` for the next. */
export function listCustomers(request: ListCustomersRequest): Promise<ListCustomersResponse> {
  return callFunction('customers', 'list', request)
}

export function getCustomer(customerId: string, sellerId?: string): Promise<CustomerDetailResponse> {
  return callFunction('customers', 'detail', sellerId ? { customerId, sellerId } : { customerId })
}
