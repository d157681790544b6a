// One way for a page to act: clear the last error, do the work (with `busy` set meanwhile,
// for a button's spinner), keep the error where the person acted (shown by ErrorNotice)
// instead of throwing it. Whether it succeeded.

import type { Ref } from 'vue'

export async function attempt(error: Ref<unknown>, work: () => Promise<unknown>, busy?: Ref<boolean>): Promise<boolean> {
  error.value = null
  if (busy) busy.value = true
  try {
    await work()
    return true
  } catch (e) {
    error.value = e
    return false
  } finally {
    if (busy) busy.value = false
  }
}
