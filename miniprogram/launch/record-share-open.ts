/**
 * Records the share a launch carries with `referral.recordOpen`, once: the open key is made once
 * and kept in storage with the request until the call succeeds, so a retry (a later show or
 * launch) sends the same key and the function records nothing twice. The call belongs to the
 * app, not to a page, so navigating away before it returns loses nothing; pages that depend on
 * the binding wait for `shareOpenSettled()`.
 */
import { recordOpen, type RecordOpenRequest, type RecordOpenResponse } from '../services/referral'
import { isApiError } from '../services/transport'
import { parseShareOpen, shareOpenSignature, type LaunchOptionsLike, type ShareOpen } from './share-open'
import { newRequestId } from '../utils/request-id'

export const PENDING_OPEN_KEY = 'referral.pendingOpen'

/** What storage keeps until the open is recorded. */
export interface PendingOpen {
  signature: string
  /** The request as first sent, open key and group cloudID included (a retry sends it unchanged). */
  request: RecordOpenRequest
}

/** Signatures recorded in this run of the app, and those being recorded ('' = retrying what is pending). */
const recorded = new Set<string>()
const inFlight = new Map<string, Promise<RecordOpenResponse | null>>()
let settled: Promise<void> = Promise.resolve()

/** Resolves once every open started so far has been answered (or failed and stays pending). */
export function shareOpenSettled(): Promise<void> {
  return settled
}

/** Captures the share in launch/show `options` (if any) and retries an open a previous run left pending. */
export function captureShareOpen(options: LaunchOptionsLike): Promise<RecordOpenResponse | null> {
  const open = parseShareOpen(options)
  const signature = open ? shareOpenSignature(open) : ''
  if (open && recorded.has(signature)) return Promise.resolve(null)
  let run = inFlight.get(signature)
  if (!run) {
    run = recordOnce(open).finally(() => inFlight.delete(signature))
    inFlight.set(signature, run)
  }
  const done = run.then(
    () => undefined,
    () => undefined,
  )
  settled = settled.then(() => done)
  return run
}

async function recordOnce(open: ShareOpen | null): Promise<RecordOpenResponse | null> {
  try {
    return await recordOrRetry(open)
  } catch {
    return null // storage or the platform failed; a launch never fails because of its share
  }
}

async function recordOrRetry(open: ShareOpen | null): Promise<RecordOpenResponse | null> {
  const pending = readPending()
  if (!open) return pending ? send(pending) : null
  const signature = shareOpenSignature(open)
  let mine = pending?.signature === signature ? pending : null
  if (pending && !mine) await send(pending) // an older open first; if it fails again it gives way to this one
  if (!mine) {
    mine = { signature, request: await requestFor(open) }
    wx.setStorageSync(PENDING_OPEN_KEY, mine)
  }
  return send(mine)
}

/** The recordOpen request for a launch's share, with a fresh open key; the group is asked for now, in the launch it belongs to. */
async function requestFor(open: ShareOpen): Promise<RecordOpenRequest> {
  const request: RecordOpenRequest = { openKey: newRequestId('o'), sceneValue: open.sceneValue }
  if (open.ref) request.ref = open.ref
  else if (open.scene) request.scene = open.scene
  if (open.productId) request.productId = open.productId
  if (open.shareTicket) {
    const groupCloudId = await groupCloudIdOfThisLaunch()
    if (groupCloudId) request.groupCloudId = groupCloudId
  }
  return request
}

async function send(pending: PendingOpen): Promise<RecordOpenResponse | null> {
  try {
    const response = await recordOpen(pending.request)
    recorded.add(pending.signature)
    if (readPending()?.request.openKey === pending.request.openKey) wx.removeStorageSync(PENDING_OPEN_KEY)
    return response
  } catch (err) {
    if (isApiError(err) && err.code !== 'INTERNAL') {
      // the function answered and refused it: sending it again cannot change that
      recorded.add(pending.signature)
      if (readPending()?.request.openKey === pending.request.openKey) wx.removeStorageSync(PENDING_OPEN_KEY)
    }
    // otherwise it stays pending: the next show or launch sends the same open key
    return null
  }
}

function readPending(): PendingOpen | null {
  const value = wx.getStorageSync(PENDING_OPEN_KEY) as PendingOpen | '' | undefined
  return value && typeof value === 'object' && typeof value.request?.openKey === 'string' ? value : null
}

/**
 * The cloudID of the group this launch came from (`wx.getGroupEnterInfo` reads the current
 * launch); the function resolves it to the group, nothing from the client is trusted.
 */
function groupCloudIdOfThisLaunch(): Promise<string | undefined> {
  if (typeof wx.getGroupEnterInfo !== 'function') return Promise.resolve(undefined)
  return new Promise((resolve) => {
    wx.getGroupEnterInfo({
      success: (res) => resolve(res.cloudID || undefined),
      fail: () => resolve(undefined),
    })
  })
}
