// Drafts: what a person typed, kept for the tab, so that a session that expires mid-form
// returns to the same page with the same words after signing in again. Cleared once sent.

import { reactive, watch, type UnwrapNestedRefs } from 'vue'

const PREFIX = 'fingertip.draft.'

/** A fresh copy of a form's empty state, so that typing into one never changes the next. */
const fresh = <T>(initial: T): T => JSON.parse(JSON.stringify(initial)) as T

export function loadDraft<T extends object>(key: string, initial: T): T {
  try {
    const raw = sessionStorage.getItem(PREFIX + key)
    return raw ? { ...fresh(initial), ...(JSON.parse(raw) as Partial<T>) } : fresh(initial)
  } catch {
    return fresh(initial)
  }
}

export function useDraft<T extends object>(key: string, initial: T): { form: UnwrapNestedRefs<T>; clear: () => void } {
  const form = reactive(loadDraft(key, initial))
  const empty = JSON.stringify(initial)
  // A form back at its empty state (just sent, or emptied by hand) is no draft to keep.
  watch(
    () => JSON.stringify(form),
    (json) => (json === empty ? sessionStorage.removeItem(PREFIX + key) : sessionStorage.setItem(PREFIX + key, json)),
  )
  const clear = () => {
    sessionStorage.removeItem(PREFIX + key)
    Object.assign(form, fresh(initial))
  }
  return { form, clear }
}
