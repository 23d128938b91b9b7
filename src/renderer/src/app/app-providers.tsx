import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useState, type ReactNode } from 'react'
import { Router } from 'wouter'
import { ToastProvider } from '@renderer/components/ui/toast'
import { AccessReasonDeclined } from '@renderer/lib/access-reasons'
import { BridgeError } from '@renderer/lib/bridge'
import { useHashPathLocation } from '@renderer/lib/hash-location'

export function AppProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            refetchOnWindowFocus: false,
            // Client errors will not fix themselves; a lost connection may. A declined reason is the operator's answer: never asked again by a retry.
            retry: (failures, error) =>
              failures < 2 && !(error instanceof AccessReasonDeclined) && (!(error instanceof BridgeError) || error.problem.status >= 500),
          },
        },
      }),
  )
  return (
    <QueryClientProvider client={queryClient}>
      <Router hook={useHashPathLocation} searchHook={useHashPathLocation.searchHook}>
        <ToastProvider>{children}</ToastProvider>
      </Router>
    </QueryClientProvider>
  )
}
