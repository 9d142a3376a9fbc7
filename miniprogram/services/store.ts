/** The owner's store settings and the customer value refit: the only module that calls the `store` function. */
import type { RequestOf } from '../../typings/api'
import type { AllSettings, RefitJobView, ValueModelSummary } from '../../typings/store'
import { callFunction } from './transport'

export type SettingsUpdate = RequestOf<'store', 'settings.update'>

/** Owner only: every store setting and the binding rule. */
export function getAllSettings(): Promise<AllSettings> {
  return callFunction('store', 'settings.get', {})
}

/** Owner only: changes only the fields given; answers the settings now in force. */
export function updateSettings(change: SettingsUpdate): Promise<AllSettings> {
  return callFunction('store', 'settings.update', change)
}

/** Owner only: starts a refit (or joins the running one); answers the job as this call left it. */
export async function startRefit(): Promise<RefitJobView> {
  return (await callFunction('store', 'refit.start', {})).job
}

/** Owner only: the latest refit job and the model in force. */
export function getRefitStatus(): Promise<{ job: RefitJobView | null; model: ValueModelSummary | null }> {
  return callFunction('store', 'refit.status', {})
}
