import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useState, type ReactNode } from 'react'
import { Router } from 'wouter'
import { useHashLocation } from 'wouter/use-hash-location'
import { BridgeError } from '@renderer/lib/bridge'

export function AppProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            refetchOnWindowFocus: false,
            // Client errors will not fix themselves; a lost connection may.
            retry: (failures, error) => failures < 2 && (!(error instanceof BridgeError) || error.problem.status >= 500),
          },
        },
      }),
  )
  return (
    <QueryClientProvider client={queryClient}>
      <Router hook={useHashLocation}>{children}</Router>
    </QueryClientProvider>
  )
}
