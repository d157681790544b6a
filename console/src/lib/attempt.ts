// One way for a page to act: clear the last error, do the work, keep the error where the
// person acted (shown by ErrorNotice) instead of throwing it. Whether it succeeded.

import type { Ref } from 'vue'

export async function attempt(error: Ref<unknown>, work: () => Promise<unknown>): Promise<boolean> {
  error.value = null
  try {
    await work()
    return true
  } catch (e) {
    error.value = e
    return false
  }
}
