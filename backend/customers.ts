import { cloudApp } from './cloud'
import { isDuplicateWrite } from './db-errors'

/** `customers/<openid>`: shared with orders (which add `stats`/`score`), so only ever merged into. */
export interface CustomerDoc {
  _id: string
  nickname?: string
  avatarUrl?: string
  phone?: string
  sellerId?: string
  boundAt?: Date
  /** When the current protection window of the `firstTouchWindow` rule started (the binding, or the bound seller's touch that renewed a lapsed window). */
  windowFrom?: Date
  bindingSource?: { code: string; scene: number; groupId?: string }
  createdAt?: Date
}

export async function readCustomer(openid: string): Promise<CustomerDoc | undefined> {
  const { data } = await cloudApp().database().collection('customers').doc(openid).get()
  return (data as CustomerDoc[])[0]
}

/**
 * Merges `fields` into (and removes `unset` from) the customer's document, creating it (with `createdAt`) on the first
 * write; never replaces a document, so fields other writers keep there survive.
 */
export async function mergeIntoCustomer(openid: string, fields: Record<string, unknown>, unset: string[] = []): Promise<void> {
  const db = cloudApp().database()
  const customers = db.collection('customers')
  const update: Record<string, unknown> = { ...fields }
  for (const field of unset) update[field] = db.command.remove()
  for (let attempt = 0; attempt < 3; attempt++) {
    const { updated } = (await customers.doc(openid).update(update)) as { updated?: number }
    if (updated) return
    const existing = await readCustomer(openid)
    if (existing) return // the update matched but changed nothing
    try {
      await customers.add({ _id: openid, ...fields, createdAt: new Date() })
      return
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err // someone created it meanwhile: merge again
    }
  }
}
