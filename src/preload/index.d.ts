import type { LimenaBridge } from '../shared/bridge'

declare global {
  interface Window {
    limena: LimenaBridge
  }
}
