/** Page URLs as wx.navigateTo and friends take them. Pure. */

/** `/pages/x/index?a=1`, or a path relative to the page at `currentRoute`, -> route and decoded query. */
export function resolveUrl(url: string, currentRoute: string): { route: string; query: Record<string, string> } {
  const [pathPart, search = ''] = url.split('?')
  let route = pathPart
  if (!route.startsWith('/')) {
    const base = currentRoute.split('/').slice(0, -1)
    for (const part of route.split('/')) {
      if (part === '..') base.pop()
      else if (part !== '.' && part !== '') base.push(part)
    }
    route = base.join('/')
  } else route = route.slice(1)
  const query: Record<string, string> = {}
  for (const pair of search.split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    const key = eq === -1 ? pair : pair.slice(0, eq)
    const value = eq === -1 ? '' : pair.slice(eq + 1)
    query[decodeURIComponent(key)] = decodeURIComponent(value)
  }
  return { route, query }
}
