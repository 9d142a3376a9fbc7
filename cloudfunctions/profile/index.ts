/**
 * `profile`: the caller's nickname, avatar and phone, which their seller sees. Identity only
 * from the platform context; the event's openid, if any, is never read.
 */
import { z } from 'zod'
import { cloudApp, type Caller } from '../../backend/cloud'
import { mergeIntoCustomer, readCustomer } from '../../backend/customers'
import { action, defineFunction } from '../../backend/handler'
import { isOwner } from '../../backend/roles'
import type { MyProfile } from '../../typings/profile'

/** What the nickname input may hold once trimmed: 1-32 characters, no control characters. */
const nickname = z.string().trim().min(1).max(32).regex(/^[^\p{Cc}]+$/u)
/** A cloud storage fileID as `wx.cloud.uploadFile` returns it. */
const avatarFileId = z.string().max(512).regex(/^cloud:\/\/[^\s]+$/)
/** A mainland mobile number. */
const phone = z.string().regex(/^1[3-9]\d{9}$/)

async function profileOf(caller: Caller & { openid: string }): Promise<MyProfile> {
  const customer = await readCustomer(caller.openid)
  const { data } = await cloudApp().database().collection('sellers').where({ openid: caller.openid }).limit(1).get()
  const seller = (data as Array<{ _id: string; status: 'active' | 'pending'; name: string }>)[0]
  const profile: MyProfile = { isOwner: isOwner(caller) }
  if (customer?.nickname) profile.nickname = customer.nickname
  if (customer?.avatarUrl) profile.avatarUrl = customer.avatarUrl
  if (customer?.phone) profile.phone = customer.phone
  if (seller) profile.seller = { sellerId: seller._id, status: seller.status, name: seller.name }
  return profile
}

export const main = defineFunction('profile', {
  /** The caller's own profile; reading never creates a document. */
  get: action({
    schema: z.object({}).strict(),
    needsIdentity: true,
    run: async ({ caller }) => ({ profile: await profileOf(caller as Caller & { openid: string }) }),
  }),
  /** Merges the given fields into the caller's customer document (null clears the phone). */
  update: action({
    schema: z
      .object({ nickname: nickname.optional(), avatarUrl: avatarFileId.optional(), phone: phone.nullable().optional() })
      .strict()
      .refine((d) => Object.keys(d).length > 0, 'give at least one field'),
    needsIdentity: true,
    run: async ({ data, caller }) => {
      const openid = caller.openid as string
      const fields: Record<string, unknown> = { updatedAt: new Date() }
      if (data.nickname !== undefined) fields.nickname = data.nickname
      if (data.avatarUrl !== undefined) fields.avatarUrl = data.avatarUrl
      if (typeof data.phone === 'string') fields.phone = data.phone
      await mergeIntoCustomer(openid, fields, data.phone === null ? ['phone'] : [])
      return { profile: await profileOf({ ...caller, openid }) }
    },
  }),
})
