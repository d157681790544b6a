// Drafts: what a person typed, kept for the tab, so that a session that expires mid-form
// returns to the same page with the same words after signing in again. Cleared once sent.

import { reactive, watch, type UnwrapNestedRefs } from 'vue'

const PREFIX = 'fingertip.draft.'

export function loadDraft<T extends object>(key: string, initial: T): T {
  try {
    const raw = sessionStorage.getItem(PREFIX + key)
    return raw ? { ...initial, ...(JSON.parse(raw) as Partial<T>) } : { ...initial }
  } catch {
    return { ...initial }
  }
}

export function useDraft<T extends object>(key: string, initial: T): { form: UnwrapNestedRefs<T>; clear: () => void } {
  const form = reactive(loadDraft(key, initial))
  watch(
    () => JSON.stringify(form),
    (json) => sessionStorage.setItem(PREFIX + key, json),
  )
  const clear = () => {
    sessionStorage.removeItem(PREFIX + key)
    Object.assign(form, initial)
  }
  return { form, clear }
}
