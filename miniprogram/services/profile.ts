/** The caller's own profile: the only module that calls the `profile` function. */
import type { MyProfile } from '../../typings/profile'
import { callFunction } from './transport'

export async function getMyProfile(): Promise<MyProfile> {
  return (await callFunction('profile', 'get', {})).profile
}

/** Sets any of nickname, avatar (a cloud fileID) and phone (null clears it); answers the profile after the change. */
export async function updateMyProfile(change: { nickname?: string; avatarUrl?: string; phone?: string | null }): Promise<MyProfile> {
  return (await callFunction('profile', 'update', change)).profile
}
