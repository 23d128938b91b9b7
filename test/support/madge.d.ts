// The part of madge's API the architecture test uses (madge ships no types).
declare module 'madge' {
  interface MadgeResult {
    circular(): string[][]
  }
  interface MadgeConfig {
    fileExtensions?: string[]
    tsConfig?: string
  }
  export default function madge(path: string | string[], config?: MadgeConfig): Promise<MadgeResult>
}
