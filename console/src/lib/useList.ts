// A paged list from the API (`{items, nextCursor}`), with its loading state and error.

import { onMounted, ref, watch, type Ref, type WatchSource } from 'vue'
import { get, type Query } from '../api/client'
import type { Page } from '../api/types'

/** The list, loaded when the page mounts and again whenever `reloadOn` changes. */
export function useList<T>(path: () => string, query: () => Query, reloadOn?: WatchSource) {
  const items: Ref<T[]> = ref([])
  const cursor = ref<string | null>(null)
  const loading = ref(false)
  const error = ref<unknown>(null)

  async function load(more = false) {
    loading.value = true
    error.value = null
    try {
      const page = await get<Page<T>>(path(), { ...query(), limit: 50, cursor: more ? cursor.value : undefined })
      items.value = more ? [...items.value, ...page.items] : page.items
      cursor.value = page.nextCursor
    } catch (e) {
      error.value = e
    } finally {
      loading.value = false
    }
  }

  onMounted(() => load())
  if (reloadOn) watch(reloadOn, () => load())
  return { items, cursor, loading, error, load }
}
