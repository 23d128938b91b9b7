/**
 * A session's device in words, from its User-Agent: "Chrome 131 on Windows", "Limena console on
 * macOS", "curl 8.5". Browsers are told apart in the order their strings contain each other
 * (Edge and Opera say Chrome, Chrome says Safari); anything not known shows its first product,
 * shortened. The full string stays available to the page (a title on the cell).
 */

const systems: Array<[RegExp, string]> = [
  [/Windows NT/, 'Windows'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Mac OS X|Macintosh|darwin/i, 'macOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Linux|X11|linux/, 'Linux'],
  [/win32/, 'Windows'],
]

const browsers: Array<[RegExp, string]> = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/FxiOS\/(\d+)/, 'Firefox'],
  [/CriOS\/(\d+)/, 'Chrome'],
  [/HeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/Chrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
]

const tools: Array<[RegExp, string]> = [
  [/^curl\/([\d.]+)/, 'curl'],
  [/^python-requests\/([\d.]+)/, 'Python requests'],
  [/^PostmanRuntime\/([\d.]+)/, 'Postman'],
  [/^Wget\/([\d.]+)/, 'Wget'],
  [/^node(?:-fetch)?(?:\/([\d.]+))?$/, 'Node.js'],
  [/^undici(?:\/([\d.]+))?$/, 'Node.js'],
]

function systemOf(userAgent: string): string | null {
  return systems.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null
}

export function describeUserAgent(userAgent: string | null | undefined): string {
  const text = (userAgent ?? '').trim()
  if (!text) return 'Unknown device'
  if (/^LimenaConsole\b/.test(text)) {
    const system = systemOf(text)
    return system ? `Limena console on ${system}` : 'Limena console'
  }
  for (const [pattern, name] of tools) {
    const match = pattern.exec(text)
    if (match) return match[1] ? `${name} ${match[1]}` : name
  }
  if (/Mozilla\/|AppleWebKit|Gecko/.test(text)) {
    const system = systemOf(text)
    for (const [pattern, name] of browsers) {
      const match = pattern.exec(text)
      if (match) return `${name} ${match[1]}${system ? ` on ${system}` : ''}`
    }
    return system ? `A browser on ${system}` : 'A browser'
  }
  const first = text.split(/\s+/)[0]!
  return first.length > 40 ? `${first.slice(0, 39)}…` : first
}
