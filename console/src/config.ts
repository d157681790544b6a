// The console's settings, read once at start from `config.json` beside it: where the API
// is, and WeCom's authorize page with the organisation (corp) and application (agent). The
// local gateway writes them for the sandbox; a deployment uploads its own (DEPLOY.md).

export interface Config {
  apiBase: string
  wecom: { authorizeUrl: string; corpId: string; agentId: string }
}

export async function loadConfig(): Promise<Config> {
  const resp = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' })
  if (!resp.ok) throw new Error(`config.json: ${resp.status}`)
  return (await resp.json()) as Config
}

/** WeCom's OAuth authorize URL, returning to `redirect` with `state`. */
export function authorizeUrl(c: Config, redirect: string, state: string): string {
  const q = new URLSearchParams({
    appid: c.wecom.corpId,
    redirect_uri: redirect,
    response_type: 'code',
    scope: 'snsapi_base',
    state,
    agentid: c.wecom.agentId,
  })
  return `${c.wecom.authorizeUrl}?${q.toString()}#wechat_redirect`
}
